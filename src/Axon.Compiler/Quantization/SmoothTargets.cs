using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>Where <see cref="SmoothQuant"/> puts the 1/s of one smoothed activation.</summary>
public enum SmoothKind
{
    /// <summary>Into the γ and β of the LayerNorm that produced it (readers not smoothed get X·s back through one Mul).</summary>
    LayerNormAffine,

    /// <summary>Into the columns and bias of the V projection (attention output projection: softmax·V is linear per channel).</summary>
    AttentionValue,

    /// <summary>Nothing can absorb it: an explicit Mul by 1/s before the products (only with <see cref="SmoothQuantOptions.InsertMul"/>).</summary>
    InsertedMul,
}

/// <summary>
/// One activation to smooth: its name and channel count (last axis = the products' K), the MatMuls smoothed with it,
/// their weights (rows scaled by s), the initializers that absorb 1/s, and the other readers of the activation.
/// </summary>
public sealed record SmoothTarget(string Activation, int Channels, SmoothKind Kind, Node? Producer, IReadOnlyList<Node> Consumers,
    IReadOnlyList<string> Weights, IReadOnlyList<string> Absorbers, IReadOnlyList<Node> Others);

/// <summary>Finds the activations <see cref="SmoothQuant"/> can smooth exactly (see there for the patterns).</summary>
internal static class SmoothTargets
{
    public static List<SmoothTarget> Find(Axon.Graph.Graph graph, SmoothQuantOptions options)
    {
        var index = new GraphIndex(graph);
        var exclude = new HashSet<string>(options.Exclude, StringComparer.Ordinal);
        var result = new List<SmoothTarget>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool OnlyReader(string init, Node n) => index.Consumers(init).All(c => c == n) && !index.IsGraphOutput(init);
        bool Eligible(Node n, string x) =>
            n.Domain.Length == 0 && n.OpType == "MatMul" && n.Inputs.Count == 2 && n.Inputs[0] == x && n.Inputs[1] != x
            && index.Constant(n.Inputs[1]) is { DType: DType.Float32, Rank: 2 } w && w.Shape[0] >= options.MinK && OnlyReader(n.Inputs[1], n)
            && !(n.Name.Length > 0 && exclude.Contains(n.Name)) && !n.Outputs.Any(exclude.Contains);
        foreach (var n in graph.Nodes)
        {
            if (n.Inputs.Count == 0 || !Eligible(n, n.Inputs[0]) || !seen.Add(n.Inputs[0]))
            {
                continue;
            }
            string x = n.Inputs[0];
            var readers = index.Consumers(x).Distinct().ToList();
            var smoothed = readers.Where(r => Eligible(r, x)).ToList();
            var others = readers.Where(r => !Eligible(r, x)).ToList();
            int c = graph.Initializers[n.Inputs[1]].Shape[0];
            var weights = smoothed.Select(r => r.Inputs[1]).ToList();
            var producer = index.Producer(x);
            bool output = index.IsGraphOutput(x);
            if (!output && producer is not null && LayerNormAffine(index, producer, x, c, OnlyReader) is { } ln)
            {
                result.Add(new SmoothTarget(x, c, SmoothKind.LayerNormAffine, producer, smoothed, weights, ln, others));
            }
            else if (!output && others.Count == 0 && producer is not null && AttentionValue(index, producer, c, OnlyReader) is { } v)
            {
                result.Add(new SmoothTarget(x, c, SmoothKind.AttentionValue, producer, smoothed, weights, v, others));
            }
            else if (options.InsertMul)
            {
                result.Add(new SmoothTarget(x, c, SmoothKind.InsertedMul, producer, smoothed, weights, [], others));
            }
        }
        return result;
    }

    /// <summary>γ (and β) of Add(Mul(·, γ), β) or LayerNormalization(·, γ, β) over the last axis, each a [C] constant read by that node only.</summary>
    private static List<string>? LayerNormAffine(GraphIndex index, Node producer, string x, int c, Func<string, Node, bool> onlyReader)
    {
        bool Vector(string name, Node reader) => index.Constant(name) is { DType: DType.Float32, Rank: 1 } t && t.Shape[0] == c && onlyReader(name, reader);
        if (producer.Domain.Length == 0 && producer.OpType == "LayerNormalization" && producer.Outputs[0] == x && producer.Inputs.Count >= 2
            && producer.GetInt("axis", -1) == -1 && Vector(producer.Inputs[1], producer))
        {
            if (producer.Inputs.Count < 3 || producer.Inputs[2].Length == 0)
            {
                return [producer.Inputs[1]];
            }
            return Vector(producer.Inputs[2], producer) ? [producer.Inputs[1], producer.Inputs[2]] : null;
        }
        if (producer.Domain.Length != 0 || producer.OpType != "Add" || producer.Inputs.Count != 2)
        {
            return null;
        }
        int bi = Vector(producer.Inputs[1], producer) ? 1 : Vector(producer.Inputs[0], producer) ? 0 : -1;
        if (bi < 0)
        {
            return null;
        }
        string y = producer.Inputs[1 - bi];
        if (index.Producer(y) is not { Domain: "", OpType: "Mul" } mul || index.Consumers(y).Count != 1 || index.IsGraphOutput(y) || mul.Inputs.Count != 2)
        {
            return null;
        }
        int gi = Vector(mul.Inputs[1], mul) ? 1 : Vector(mul.Inputs[0], mul) ? 0 : -1;
        return gi < 0 ? null : [mul.Inputs[gi], producer.Inputs[bi]];
    }

    /// <summary>
    /// The V projection's weight (and bias) when the activation is Reshape(Transpose(MatMul(P, Transpose(Reshape(V)))))
    /// that keeps channel c = h·D + d of V: V = MatMul(·, W[E, C]) (+ b[C]) split into [H, D] on the last axis, d the
    /// product's column axis, h a batch axis, then merged back into C. Every intermediate has one reader.
    /// </summary>
    private static List<string>? AttentionValue(GraphIndex index, Node merge, int c, Func<string, Node, bool> onlyReader)
    {
        // Shape and Size read only the shape, which smoothing keeps.
        bool OneValueReader(string v) => index.Consumers(v).Count(r => !(r.Domain.Length == 0 && r.OpType is "Shape" or "Size")) == 1 && !index.IsGraphOutput(v);
        Node? Single(string v, string op) => OneValueReader(v) && index.Producer(v) is { Domain: "" } p && p.OpType == op ? p : null;
        if (merge is not { Domain: "", OpType: "Reshape" } || merge.Inputs.Count < 2 || TailDims(index, merge.Inputs[1], 1) is not [var last] || last != c)
        {
            return null;
        }
        if (Single(merge.Inputs[0], "Transpose") is not { } t1 || t1.GetInts("perm") is not { Length: 4 } p1
            || Single(t1.Inputs[0], "MatMul") is not { } pv || pv.Inputs.Count != 2
            || Single(pv.Inputs[1], "Transpose") is not { } t0 || t0.GetInts("perm") is not { Length: 4 } p0
            || Single(t0.Inputs[0], "Reshape") is not { } split || split.Inputs.Count < 2
            || TailDims(index, split.Inputs[1], 2) is not [var h, var d] || h * d != c)
        {
            return null;
        }
        // d stays the column axis; h is a batch axis k of the product (not contracted); the output transpose puts h, d last.
        int k = Array.IndexOf(p0, 2L);
        if (p0[3] != 3 || k is not (0 or 1) || p1[2] != k || p1[3] != 3)
        {
            return null;
        }
        string v = split.Inputs[0];
        if (!OneValueReader(v) || index.Producer(v) is not { Domain: "" } vp)
        {
            return null;
        }
        string? bias = null;
        Node proj = vp;
        if (vp.OpType == "Add" && vp.Inputs.Count == 2)
        {
            int bi = index.Constant(vp.Inputs[1]) is { DType: DType.Float32, Rank: 1 } b1 && b1.Shape[0] == c ? 1
                : index.Constant(vp.Inputs[0]) is { DType: DType.Float32, Rank: 1 } b0 && b0.Shape[0] == c ? 0 : -1;
            if (bi < 0 || !onlyReader(vp.Inputs[bi], vp) || Single(vp.Inputs[1 - bi], "MatMul") is not { } mm)
            {
                return null;
            }
            bias = vp.Inputs[bi];
            proj = mm;
        }
        if (proj.OpType != "MatMul" || proj.Inputs.Count != 2 || index.Constant(proj.Inputs[1]) is not { DType: DType.Float32, Rank: 2 } w
            || w.Shape[1] != c || !onlyReader(proj.Inputs[1], proj))
        {
            return null;
        }
        return bias is null ? [proj.Inputs[1]] : [proj.Inputs[1], bias];
    }

    /// <summary>The last <paramref name="count"/> entries of a constant int64 shape: an initializer, a Constant node, or a Concat whose tail is constant.</summary>
    internal static long[]? TailDims(GraphIndex index, string shape, int count)
    {
        var tail = new List<long>();
        void Take(Tensor t)
        {
            var v = t.ToInt64s();
            for (int i = v.Length - 1; i >= 0 && tail.Count < count; i--)
            {
                tail.Insert(0, v[i]);
            }
        }
        if (Const(index, shape) is { } whole)
        {
            Take(whole);
        }
        else if (index.Producer(shape) is { Domain: "", OpType: "Concat" } cat)
        {
            for (int i = cat.Inputs.Count - 1; i >= 0 && tail.Count < count; i--)
            {
                if (Const(index, cat.Inputs[i]) is not { } part)
                {
                    return null;
                }
                Take(part);
            }
        }
        return tail.Count == count && tail.All(v => v > 0) ? tail.ToArray() : null;
    }

    private static Tensor? Const(GraphIndex index, string name) =>
        index.Constant(name) is { DType: DType.Int64 } t ? t
        : index.Producer(name) is { Domain: "", OpType: "Constant" } k && k.GetTensor("value") is { DType: DType.Int64 } v ? v : null;
}
