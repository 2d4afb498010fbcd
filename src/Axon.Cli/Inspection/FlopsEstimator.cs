using Axon.Graph;

namespace Axon.Cli.Inspection;

/// <summary>An estimate of the floating-point operations one inference performs; <see cref="Flops"/> is null when unknown.</summary>
internal sealed record FlopsEstimate(double? Flops, string Note);

/// <summary>
/// Counts 2 x multiply-accumulates of the compute-heavy ops (MatMul, Gemm, Conv, ConvTranspose) from static shapes found in
/// initializers, declared inputs and outputs, and value_info. Everything else counts zero.
/// <para>This is a stand-in: per-op cost functions are coming to <c>Axon.Graph/Ops</c> (branch graph-infer). When they land,
/// <see cref="Estimate"/> becomes a call to the library and this file goes; <c>InspectCommand</c> only sees
/// <see cref="FlopsEstimate"/>.</para>
/// </summary>
internal static class FlopsEstimator
{
    public static readonly string[] CountedOps = ["MatMul", "Gemm", "Conv", "ConvTranspose"];

    public static FlopsEstimate Estimate(Model model)
    {
        var g = model.Graph;
        double total = 0;
        int counted = 0;
        foreach (var n in g.Nodes)
        {
            if (n.Domain.Length > 0 || !CountedOps.Contains(n.OpType))
            {
                continue;
            }
            double? f = n.OpType switch
            {
                "MatMul" => MatMul(g, n),
                "Gemm" => Gemm(g, n),
                "Conv" => Conv(g, n),
                _ => ConvTranspose(g, n),
            };
            if (f is null)
            {
                return new FlopsEstimate(null, $"unknown: the shapes around {n} are symbolic or not declared");
            }
            total += f.Value;
            counted++;
        }
        string note = counted == 0
            ? "no MatMul, Gemm, Conv or ConvTranspose nodes"
            : $"2 x MACs of {counted} MatMul/Gemm/Conv/ConvTranspose node{(counted == 1 ? "" : "s")}; other ops not counted";
        return new FlopsEstimate(total, note);
    }

    /// <summary>The dims of a value when every one is known.</summary>
    private static long[]? StaticShape(Graph.Graph g, Node n, int input)
    {
        if (input >= n.Inputs.Count || n.Inputs[input].Length == 0)
        {
            return null;
        }
        return Static(g, n.Inputs[input]);
    }

    private static long[]? Static(Graph.Graph g, string name)
    {
        if (g.Initializers.TryGetValue(name, out var t))
        {
            return t.Shape.Select(d => (long)d).ToArray();
        }
        var type = g.TypeOf(name);
        return type is { Kind: TypeKind.Tensor } && type.Shape.IsStatic ? type.Shape.Dims.Select(d => d.Value).ToArray() : null;
    }

    private static double? MatMul(Graph.Graph g, Node n)
    {
        var a = StaticShape(g, n, 0);
        var b = StaticShape(g, n, 1);
        if (a is null || b is null || a.Length == 0 || b.Length == 0)
        {
            return null;
        }
        long m = a.Length == 1 ? 1 : a[^2], k = a[^1];
        long nn = b.Length == 1 ? 1 : b[^1];
        var batchA = a.Length > 2 ? a[..^2] : [];
        var batchB = b.Length > 2 ? b[..^2] : [];
        double batch = 1;
        for (int i = 0; i < Math.Max(batchA.Length, batchB.Length); i++)
        {
            long da = i < batchA.Length ? batchA[^(i + 1)] : 1;
            long db = i < batchB.Length ? batchB[^(i + 1)] : 1;
            batch *= Math.Max(da, db);
        }
        return 2.0 * batch * m * nn * k;
    }

    private static double? Gemm(Graph.Graph g, Node n)
    {
        var a = StaticShape(g, n, 0);
        var b = StaticShape(g, n, 1);
        if (a is not { Length: 2 } || b is not { Length: 2 })
        {
            return null;
        }
        bool ta = n.GetInt("transA", 0) != 0, tb = n.GetInt("transB", 0) != 0;
        long m = ta ? a[1] : a[0], k = ta ? a[0] : a[1];
        long nn = tb ? b[0] : b[1];
        return 2.0 * m * nn * k;
    }

    private static double? Conv(Graph.Graph g, Node n)
    {
        var x = StaticShape(g, n, 0);
        var w = StaticShape(g, n, 1);
        if (x is null || w is null || x.Length < 3 || w.Length != x.Length)
        {
            return null;
        }
        int spatial = x.Length - 2;
        long[]? outSpatial = n.Outputs.Count > 0 ? Static(g, n.Outputs[0])?[2..] : null;
        outSpatial ??= ConvOutput(n, x[2..], w[2..]);
        if (outSpatial is null || outSpatial.Length != spatial)
        {
            return null;
        }
        // Each output element of each output channel reads (C/group) x kernel inputs.
        double macs = (double)x[0] * w[0] * Product(outSpatial) * w[1] * Product(w[2..]);
        return 2 * macs;
    }

    private static double? ConvTranspose(Graph.Graph g, Node n)
    {
        var x = StaticShape(g, n, 0);
        var w = StaticShape(g, n, 1);
        if (x is null || w is null || x.Length < 3 || w.Length != x.Length)
        {
            return null;
        }
        // Each input element scatters into (M/group) x kernel outputs.
        double macs = (double)x[0] * x[1] * Product(x[2..]) * w[1] * Product(w[2..]);
        return 2 * macs;
    }

    private static long[]? ConvOutput(Node n, long[] input, long[] kernel)
    {
        int s = input.Length;
        var strides = n.GetInts("strides") ?? Enumerable.Repeat(1L, s).ToArray();
        var dil = n.GetInts("dilations") ?? Enumerable.Repeat(1L, s).ToArray();
        var pads = n.GetInts("pads") ?? new long[2 * s];
        string autoPad = n.GetString("auto_pad", "NOTSET");
        if (strides.Length != s || dil.Length != s || pads.Length != 2 * s)
        {
            return null;
        }
        var o = new long[s];
        for (int i = 0; i < s; i++)
        {
            if (strides[i] <= 0)
            {
                return null;
            }
            long effK = dil[i] * (kernel[i] - 1) + 1;
            o[i] = autoPad switch
            {
                "SAME_UPPER" or "SAME_LOWER" => (input[i] + strides[i] - 1) / strides[i],
                "VALID" => (input[i] - effK) / strides[i] + 1,
                _ => (input[i] + pads[i] + pads[i + s] - effK) / strides[i] + 1,
            };
        }
        return o.All(v => v >= 0) ? o : null;
    }

    private static double Product(long[] v) => v.Aggregate(1.0, (acc, d) => acc * d);
}
