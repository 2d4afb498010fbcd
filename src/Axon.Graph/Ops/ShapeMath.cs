using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Shape arithmetic shared by schemas: symbolic broadcasting, dim products, window (conv/pool) output sizes.</summary>
internal static class ShapeMath
{
    /// <summary>
    /// Numpy-style multidirectional broadcasting over symbolic shapes: equal dims (numbers or symbols) match, a known 1
    /// yields to the other side, a known size wins over an unknown or symbolic one (which must then be that size or 1),
    /// and two different symbols give unknown. Null (with <paramref name="error"/>) when two known sizes clash.
    /// </summary>
    public static SymShape? Broadcast(IEnumerable<SymShape> shapes, out string? error)
    {
        error = null;
        var list = shapes.ToList();
        if (list.Any(s => !s.HasRank))
        {
            return SymShape.UnknownRank;
        }
        int rank = list.Count == 0 ? 0 : list.Max(s => s.Rank);
        var result = new Dim[rank];
        for (int i = 0; i < rank; i++)
        {
            Dim acc = Dim.Known(1);
            bool first = true;
            foreach (var s in list)
            {
                int j = i - (rank - s.Rank);
                if (j < 0)
                {
                    continue;
                }
                Dim d = s[j];
                if (first)
                {
                    acc = d;
                    first = false;
                    continue;
                }
                if (!Merge(acc, d, out acc))
                {
                    error = $"shapes {string.Join(" and ", list)} cannot broadcast (dim {i})";
                    return null;
                }
            }
            result[i] = acc;
        }
        return new SymShape(result);
    }

    private static bool Merge(Dim a, Dim b, out Dim r)
    {
        if (a == b)
        {
            r = a;
        }
        else if (a.IsKnown && a.Value == 1)
        {
            r = b;
        }
        else if (b.IsKnown && b.Value == 1)
        {
            r = a;
        }
        else if (a.IsKnown && b.IsKnown)
        {
            r = Dim.Unknown;
            return false;
        }
        else if (a.IsKnown)
        {
            r = a;
        }
        else if (b.IsKnown)
        {
            r = b;
        }
        else
        {
            r = Dim.Unknown;
        }
        return true;
    }

    /// <summary>The product of dims as one dim (a number, a symbol or a product symbol), unknown when it cannot be named.</summary>
    public static Dim Product(IEnumerable<Dim> dims) => SymExpr.Product(dims).ToDim();

    /// <summary>Output size of a sliding window: floor or ceil of (in + pads - dilation*(k-1) - 1) / stride + 1.</summary>
    public static Dim Window(Dim input, long kernel, long stride, long padBegin, long padEnd, long dilation, bool ceil)
    {
        long eff = dilation * (kernel - 1) + 1;
        if (!input.IsKnown)
        {
            // A symbolic size survives exactly when the window keeps it ("same" convolution with stride 1).
            return stride == 1 && padBegin + padEnd == eff - 1 ? input : Dim.Unknown;
        }
        long span = input.Value + padBegin + padEnd - eff;
        if (span < 0)
        {
            return Dim.Known(0);
        }
        long q = ceil ? (span + stride - 1) / stride : span / stride;
        long outSize = q + 1;
        // With ceil mode the last window must start inside the input or left padding (ONNX and PyTorch agree).
        if (ceil && q * stride >= input.Value + padBegin)
        {
            outSize--;
        }
        return Dim.Known(outSize);
    }

    /// <summary>
    /// Resolves auto_pad for one spatial axis into explicit (begin, end) pads; NOTSET uses the given pads. Returns null
    /// when the input size is unknown and the padding depends on it.
    /// </summary>
    public static (long Begin, long End)? AutoPad(string autoPad, Dim input, long kernel, long stride, long dilation,
        long padBegin, long padEnd)
    {
        if (autoPad is "" or "NOTSET")
        {
            return (padBegin, padEnd);
        }
        if (autoPad == "VALID")
        {
            return (0, 0);
        }
        if (!input.IsKnown)
        {
            return null;
        }
        long outSize = (input.Value + stride - 1) / stride;
        long eff = dilation * (kernel - 1) + 1;
        long total = Math.Max(0, (outSize - 1) * stride + eff - input.Value);
        long small = total / 2;
        return autoPad == "SAME_LOWER" ? (total - small, small) : (small, total - small);
    }

    public static SymShape WithDim(SymShape s, int axis, Dim d)
    {
        var dims = s.Dims.ToArray();
        dims[axis] = d;
        return new SymShape(dims);
    }

    public static Dim Add(Dim a, Dim b) => (SymExpr.Of(a) + SymExpr.Of(b)).ToDim();

    /// <summary>
    /// A negative integer inside a symbolic shape value (Reshape's -1 next to Shape(x)[0]) cannot be a <see cref="Dim"/>,
    /// so it travels as the pseudo-symbol "#-1" until a consumer reads it back with <see cref="ValueOf"/>.
    /// </summary>
    public static Dim Literal(long v) => v >= 0 ? Dim.Known(v) : Dim.Sym("#" + v.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The integer a dim value stands for (known or negative literal), or null when symbolic or unknown.</summary>
    public static long? ValueOf(Dim d) =>
        d.IsKnown ? d.Value : d.Symbol is { } s && s.StartsWith('#') ? long.Parse(s.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>A dim value used as a shape dim: negative literals become unknown.</summary>
    public static Dim AsShapeDim(Dim d) => d.Symbol is { } s && s.StartsWith('#') ? Dim.Unknown : d;
}
