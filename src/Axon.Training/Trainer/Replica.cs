using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Runtime;

namespace Axon.Training.Trainer;

/// <summary>
/// One data-parallel replica: its own session over the training graph and its own one-thread worker pool, so replicas
/// never share mutable state and each replica's arithmetic is deterministic.
/// </summary>
internal sealed class Replica : IDisposable
{
    private readonly TrainProgram _program;
    private readonly WorkerPool _pool;
    private readonly InferenceSession _session;
    private readonly bool _oneHotLabels;
    private readonly int _classes;

    public Replica(TrainProgram program, int threads, int classes)
    {
        _program = program;
        _pool = new WorkerPool(threads, "axon-replica");
        _session = new InferenceSession(program.TrainModel, _pool);
        _classes = classes;
        var labelInput = program.TrainModel.Graph.Inputs.FirstOrDefault(i => i.Name == program.LabelInput)
            ?? throw new AxonModelException($"the training graph has no label input '{program.LabelInput}'", "AXT150");
        _oneHotLabels = labelInput.Type.ElemType switch
        {
            DType.Float32 => true,
            DType.Int64 => false,
            var t => throw new AxonModelException($"label input '{program.LabelInput}' must be float32 one-hot or int64 indices, not {t.OnnxName()}", "AXT150"),
        };
        Grads = program.Parameters.Select(p => new float[program.InitialParameters[p].Length]).ToArray();
    }

    /// <summary>This replica's gradients of its last shard (mean over the shard, as the loss is a mean).</summary>
    public float[][] Grads { get; }

    public double Loss { get; private set; }
    public int Correct { get; private set; }

    /// <summary>Runs forward and backward on samples [start, start+count) of <paramref name="pixels"/>.</summary>
    public void Run(IReadOnlyDictionary<string, Tensor> parameters, float[] pixels, int[] labels, int start, int count, int[] sampleShape)
    {
        int size = sampleShape.Aggregate(1, (a, b) => a * b);
        var inputs = new Dictionary<string, Tensor>(parameters, StringComparer.Ordinal)
        {
            [_program.ImageInput] = Tensor.FromArray(pixels.AsSpan(start * size, count * size), [count, .. sampleShape]),
            [_program.LabelInput] = LabelTensor(labels.AsSpan(start, count)),
        };
        var outputs = _session.Run(inputs);
        Correct = 0;
        foreach (var (name, value) in outputs)
        {
            if (name == _program.LossOutput)
            {
                Loss = AsTensor(value, name).ReadOnlySpan<float>()[0];
            }
            else if (name == _program.LogitsOutput)
            {
                Correct = CountCorrect(AsTensor(value, name).ReadOnlySpan<float>(), labels.AsSpan(start, count), _classes);
            }
        }
        for (int p = 0; p < _program.Parameters.Count; p++)
        {
            string g = _program.GradientOf[_program.Parameters[p]];
            var t = AsTensor(outputs.First(o => o.Key == g).Value, g);
            if (t.Length != Grads[p].Length)
            {
                throw new AxonModelException($"gradient '{g}' has {t.Length} values; parameter '{_program.Parameters[p]}' has {Grads[p].Length}", "AXT151");
            }
            t.ReadOnlySpan<float>().CopyTo(Grads[p]);
        }
    }

    internal static int CountCorrect(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes)
    {
        int correct = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = logits.Slice(i * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }
            correct += best == labels[i] ? 1 : 0;
        }
        return correct;
    }

    private Tensor LabelTensor(ReadOnlySpan<int> labels)
    {
        if (_oneHotLabels)
        {
            var oh = new float[labels.Length * _classes];
            for (int i = 0; i < labels.Length; i++)
            {
                oh[i * _classes + labels[i]] = 1f;
            }
            return Tensor.FromArray(oh, labels.Length, _classes);
        }
        var idx = new long[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            idx[i] = labels[i];
        }
        return Tensor.FromArray(idx, labels.Length);
    }

    private static Tensor AsTensor(IValue? v, string name) =>
        v as Tensor ?? throw new AxonModelException($"training graph output '{name}' is not a tensor", "AXT151");

    public void Dispose()
    {
        _session.Dispose();
        _pool.Dispose();
    }
}
