using Axon.Graph;
using Axon.Graph.Analysis;

namespace Axon.Training.Trainer;

/// <summary>
/// Training-mode Dropout with a fresh mask every step. ONNX Dropout draws its mask from a <c>seed</c> attribute, so
/// a compiled training graph would drop the same elements in every step (and in every replica): a fixed pruning, not
/// dropout. The trainer therefore rewrites each training-mode <c>Dropout(x, ratio, true) -> (y, mask)</c> into
/// <c>y = x · M</c> and <c>mask = M &gt; 0</c>, where M is a new graph input the trainer fills each step with 0 or
/// 1/(1-ratio). The draw for an element depends only on (seed, step, node, the sample's index in the global batch,
/// element), so 1 core, 2 cores and 2 MPI ranks drop the same elements and a resumed run repeats them bit for bit.
/// The gradient graph is untouched: it already reads <c>mask</c> and the ratio.
/// </summary>
internal sealed class DropoutMasks
{
    private DropoutMasks(Model model, IReadOnlyList<(string Input, float Ratio, int[] SampleShape)> masks)
    {
        Model = model;
        Masks = masks;
    }

    /// <summary>The training model with the Dropout nodes rewritten (the original when it has none).</summary>
    public Model Model { get; }

    /// <summary>Per rewritten node: the mask input it reads, its drop ratio, and the per-sample shape (dims after the batch).</summary>
    public IReadOnlyList<(string Input, float Ratio, int[] SampleShape)> Masks { get; }

    public static DropoutMasks Rewrite(Model train, IReadOnlyDictionary<string, Tensor> initial)
    {
        var g = train.Graph;
        var dropouts = g.Nodes.Where(n => n.OpType == "Dropout" && n.Domain.Length == 0 && IsTrainingMode(g, n)).ToList();
        if (dropouts.Count == 0)
        {
            return new DropoutMasks(train, []);
        }
        var types = ShapeInference.Infer(train).Types;
        var r = g.Clone();
        var masks = new List<(string, float, int[])>();
        foreach (var n in dropouts)
        {
            string ratioName = n.Inputs.Count > 1 ? n.Inputs[1] : "";
            float ratio = ratioName.Length == 0 ? 0.5f
                : g.Initializers.TryGetValue(ratioName, out var rt) || initial.TryGetValue(ratioName, out rt) ? (float)rt.GetDouble(0) : -1f;
            if (!types.TryGetValue(n.Inputs[0], out var t) || t.Kind != TypeKind.Tensor || !t.Shape.HasRank || t.Shape.Rank < 1
                || t.Shape.Dims.Skip(1).Any(d => !d.IsKnown) || ratio < 0 || ratio >= 1)
            {
                throw new AxonModelException($"Dropout '{n.DisplayName}': the trainer needs [batch, static dims...] input and a constant ratio in [0, 1)", "AXT152");
            }
            int[] sample = t.Shape.Dims.Skip(1).Select(d => (int)d.Value).ToArray();
            string input = $"dropout_mask:{masks.Count}";
            var dims = new List<Dim> { Dim.Sym("batch") };
            dims.AddRange(sample.Select(d => Dim.Known(d)));
            r.Inputs.Add(new ValueInfo(input, TypeInfo.Tensor(t.ElemType, new SymShape(dims))));
            int at = r.Nodes.IndexOf(n);
            r.Nodes[at] = new Node("Mul", [n.Inputs[0], input], [n.Outputs[0]], n.Name + "/scaled");
            if (n.Outputs.Count > 1 && n.Outputs[1].Length > 0)
            {
                string zero = input + "/zero";
                r.Initializers[zero] = Tensor.Scalar(0f);
                r.Nodes.Insert(at + 1, new Node("Greater", [input, zero], [n.Outputs[1]], n.Name + "/mask"));
            }
            masks.Add((input, ratio, sample));
        }
        var m = new Model(r) { ProducerName = train.ProducerName };
        m.OpsetImports.Clear();
        foreach (var kv in train.OpsetImports)
        {
            m.OpsetImports[kv.Key] = kv.Value;
        }
        return new DropoutMasks(m, masks);
    }

    /// <summary>Fills mask <paramref name="k"/> for samples [start, start + count) of the global batch of step <paramref name="step"/>.</summary>
    public void Fill(int k, Span<float> dst, ulong seed, long step, int start, int count)
    {
        var (_, ratio, sample) = Masks[k];
        int per = sample.Aggregate(1, (a, b) => a * b);
        float keep = 1f / (1f - ratio);
        for (int i = 0; i < count; i++)
        {
            ulong key = Mix(seed ^ Mix((ulong)step * 0x9E3779B97F4A7C15UL ^ ((ulong)k << 48) ^ (ulong)(start + i)));
            var row = dst.Slice(i * per, per);
            for (int j = 0; j < per; j++)
            {
                double u = (Mix(key + (ulong)j * 0xD1B54A32D192ED03UL) >> 11) * (1.0 / (1UL << 53));
                row[j] = u >= ratio ? keep : 0f;
            }
        }
    }

    private static bool IsTrainingMode(Axon.Graph.Graph g, Node n) =>
        n.Inputs.Count > 2 && g.Initializers.TryGetValue(n.Inputs[2], out var t) && t.Length == 1 && t.GetInt64(0) != 0;

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
