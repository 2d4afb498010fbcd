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
    private readonly Dictionary<string, Tensor> _inputs = new(StringComparer.Ordinal);
    private readonly HashSet<AlignedBuffer> _returned = new(ReferenceEqualityComparer.Instance);
    private readonly DropoutMasks _masks;
    private Tensor? _image;
    private Tensor? _labels;
    private Tensor[] _maskTensors = [];

    public Replica(TrainProgram program, int threads, int classes)
    {
        _program = program;
        _pool = new WorkerPool(threads, "axon-replica");
        _masks = DropoutMasks.Rewrite(program.TrainModel, program.InitialParameters);
        _session = new InferenceSession(_masks.Model, _pool);
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
        States = program.StateInputs.Select(s => new float[program.InitialParameters[s].Length]).ToArray();
    }

    /// <summary>This replica's updated state (BatchNorm running statistics after its shard), in <see cref="TrainProgram.StateInputs"/> order.</summary>
    public float[][] States { get; }

    /// <summary>This replica's gradients of its last shard (mean over the shard, as the loss is a mean).</summary>
    public float[][] Grads { get; }

    public double Loss { get; private set; }
    public int Correct { get; private set; }

    /// <summary>Seconds spent in the last <see cref="Run"/> (for the phase profile).</summary>
    public double LastSeconds { get; private set; }

    /// <summary>Runs forward and backward on samples [start, start+count) of <paramref name="pixels"/>.</summary>
    /// <remarks><paramref name="seed"/> and <paramref name="step"/> choose the dropout masks (see <see cref="DropoutMasks"/>).</remarks>
    public void Run(IReadOnlyDictionary<string, Tensor> parameters, float[] pixels, int[] labels, int start, int count, int[] sampleShape,
        ulong seed = 0, long step = 0)
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        int size = sampleShape.Aggregate(1, (a, b) => a * b);
        // The step's inputs live in tensors kept from step to step (one allocation per shard size, not per step): the
        // trainer is allocation-free in steady state, so the GC never stops both replicas in the middle of an epoch.
        if (_image is null || _image.Shape[0] != count)
        {
            _image = Tensor.CreateUninitialized(DType.Float32, [count, .. sampleShape]);
            _labels = _oneHotLabels ? Tensor.Create(DType.Float32, count, _classes) : Tensor.Create(DType.Int64, count);
            _maskTensors = _masks.Masks.Select(m => Tensor.CreateUninitialized(DType.Float32, [count, .. m.SampleShape])).ToArray();
        }
        pixels.AsSpan(start * size, count * size).CopyTo(_image.Span<float>());
        FillLabels(labels.AsSpan(start, count), _labels!);
        _inputs.Clear();
        foreach (var kv in parameters)
        {
            _inputs[kv.Key] = kv.Value;
        }
        _inputs[_program.ImageInput] = _image;
        _inputs[_program.LabelInput] = _labels!;
        for (int k = 0; k < _maskTensors.Length; k++)
        {
            _masks.Fill(k, _maskTensors[k].Span<float>(), seed, step, start, count);
            _inputs[_masks.Masks[k].Input] = _maskTensors[k];
        }
        var outputs = _session.Run(_inputs);
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
        for (int k = 0; k < States.Length; k++)
        {
            string o = _program.StateOf[_program.StateInputs[k]];
            AsTensor(outputs.First(x => x.Key == o).Value, o).ReadOnlySpan<float>().CopyTo(States[k]);
        }
        ReturnOutputs(outputs, parameters);
        LastSeconds = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    /// <summary>
    /// Hands the output tensors' buffers back to the pool once their values are copied out (the session's outputs are
    /// the caller's own; a buffer that also backs an input is never returned).
    /// </summary>
    private void ReturnOutputs(IReadOnlyList<KeyValuePair<string, IValue?>> outputs, IReadOnlyDictionary<string, Tensor> parameters)
    {
        _returned.Clear();
        _returned.Add(_image!.Buffer!);
        _returned.Add(_labels!.Buffer!);
        foreach (var m in _maskTensors)
        {
            _returned.Add(m.Buffer!);
        }
        foreach (var p in parameters.Values)
        {
            if (p.Buffer is { } b)
            {
                _returned.Add(b);
            }
        }
        foreach (var (_, value) in outputs)
        {
            if (value is Tensor { Buffer: { } buffer } && _returned.Add(buffer))
            {
                buffer.Dispose();
            }
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

    private void FillLabels(ReadOnlySpan<int> labels, Tensor dst)
    {
        if (_oneHotLabels)
        {
            var oh = dst.Span<float>();
            oh.Clear();
            for (int i = 0; i < labels.Length; i++)
            {
                oh[i * _classes + labels[i]] = 1f;
            }
            return;
        }
        var idx = dst.Span<long>();
        for (int i = 0; i < labels.Length; i++)
        {
            idx[i] = labels[i];
        }
    }

    private static Tensor AsTensor(IValue? v, string name) =>
        v as Tensor ?? throw new AxonModelException($"training graph output '{name}' is not a tensor", "AXT151");

    public void Dispose()
    {
        _session.Dispose();
        _pool.Dispose();
    }
}
