using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>The attributes every sliding-window op (Conv, pools) shares, read once with their defaults.</summary>
internal sealed class WindowGeometry
{
    public static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["auto_pad"] = AttrKind.String, ["dilations"] = AttrKind.Ints, ["group"] = AttrKind.Int,
        ["kernel_shape"] = AttrKind.Ints, ["pads"] = AttrKind.Ints, ["strides"] = AttrKind.Ints,
        ["ceil_mode"] = AttrKind.Int, ["count_include_pad"] = AttrKind.Int, ["storage_order"] = AttrKind.Int,
        ["output_padding"] = AttrKind.Ints, ["output_shape"] = AttrKind.Ints, ["p"] = AttrKind.Int,
    };

    public required long[] Kernel { get; init; }
    public required long[] Strides { get; init; }
    public required long[] Dilations { get; init; }
    public required long[] Pads { get; init; }
    public required string AutoPad { get; init; }
    public bool Ceil { get; init; }

    /// <summary>Reads the geometry for <paramref name="spatial"/> axes; the kernel comes from the attribute or the weight.</summary>
    public static WindowGeometry? Read(InferContext ctx, int spatial, long[]? kernelFromWeight)
    {
        var k = ctx.Ints("kernel_shape") ?? kernelFromWeight;
        if (k is null || k.Length != spatial)
        {
            return null;
        }
        var pads = ctx.Ints("pads") ?? new long[2 * spatial];
        if (pads.Length != 2 * spatial)
        {
            return null;
        }
        return new WindowGeometry
        {
            Kernel = k,
            Strides = Fill(ctx.Ints("strides"), spatial),
            Dilations = Fill(ctx.Ints("dilations"), spatial),
            Pads = pads,
            AutoPad = ctx.String("auto_pad", "NOTSET"),
            Ceil = ctx.Int("ceil_mode", 0) != 0,
        };
    }

    private static long[] Fill(long[]? v, int n) => v is { Length: > 0 } ? v : Enumerable.Repeat(1L, n).ToArray();

    /// <summary>The output spatial dims for the given input spatial dims.</summary>
    public Dim[] Output(IReadOnlyList<Dim> input)
    {
        var r = new Dim[Kernel.Length];
        for (int i = 0; i < r.Length; i++)
        {
            Dim x = input[i];
            if (AutoPad is "SAME_UPPER" or "SAME_LOWER")
            {
                // SAME keeps ceil(in / stride) whatever the kernel.
                r[i] = x.IsKnown ? Dim.Known((x.Value + Strides[i] - 1) / Strides[i]) : Strides[i] == 1 ? x : Dim.Unknown;
                continue;
            }
            var (b, e) = AutoPad == "VALID" ? (0L, 0L) : (Pads[i], Pads[i + Kernel.Length]);
            r[i] = ShapeMath.Window(x, Kernel[i], Strides[i], b, e, Dilations[i], Ceil);
        }
        return r;
    }

    /// <summary>Product of the kernel sizes (window volume).</summary>
    public long Volume => Kernel.Aggregate(1L, (a, b) => a * b);

    public static SymExpr KernelVolume(SymShape weight) =>
        weight.HasRank && weight.Rank > 2 ? SymExpr.Product(weight.Dims.Skip(2)) : SymExpr.Unknown;
}
