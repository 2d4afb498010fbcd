namespace Axon.Graph.Reference;

/// <summary>
/// Shared pieces of the elementwise math ops: legacy (opset &lt; 7) broadcasting, unsigned-aware integer helpers,
/// variadic folds and special functions .NET lacks (erf).
/// </summary>
internal static class MathKernels
{
    /// <summary>
    /// Before opset 7, binary ops broadcast only when the <c>broadcast</c> attribute was set, and B could be aligned to
    /// A starting at <c>axis</c> instead of at the trailing dims. Reshaping B with trailing 1s turns that into NumPy
    /// broadcasting, so the ordinary loops apply.
    /// </summary>
    public static Tensor LegacyB(OpContext ctx, Tensor a, Tensor b)
    {
        if (ctx.Opset >= 7 || ctx.Int("broadcast", 0) == 0 || !ctx.Node.HasAttr("axis"))
        {
            return b;
        }
        long axis = ctx.Int("axis", 0);
        if (axis < 0)
        {
            axis += a.Rank;
        }
        int trailing = a.Rank - (int)axis - b.Rank;
        if (axis < 0 || trailing < 0)
        {
            throw ctx.Error($"legacy broadcast axis {ctx.Int("axis", 0)} does not fit B [{string.Join(",", b.Shape)}] into A [{string.Join(",", a.Shape)}]");
        }
        var shape = b.Shape.Concat(Enumerable.Repeat(1, trailing)).ToArray();
        return b.Reshape(shape);
    }

    /// <summary>A binary integer op that needs to know whether the dtype is unsigned 64-bit (division, modulo, comparison).</summary>
    public static Tensor IntBinary(Tensor a, Tensor b, Func<long, long, long> f, DType? outType = null)
    {
        var shape = Broadcast.Shape(a.Shape, b.Shape);
        var ma = Broadcast.IndexMap(a.Shape, shape);
        var mb = Broadcast.IndexMap(b.Shape, shape);
        var x = a.ToInt64s();
        var y = b.ToInt64s();
        var r = new long[ma.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = f(x[ma[i]], y[mb[i]]);
        }
        return Tensor.FromInt64s(outType ?? a.DType, r, shape);
    }

    /// <summary>Bit width of an integer dtype (for shifts and masks).</summary>
    public static int Bits(DType t) => t switch
    {
        DType.Int4 or DType.UInt4 => 4,
        DType.Int2 or DType.UInt2 => 2,
        DType.Bool => 8,
        _ => t.SizeOf() * 8,
    };

    /// <summary>Folds the inputs of a variadic op (Max, Min, Sum, Mean) pairwise with broadcasting.</summary>
    public static Tensor Fold(OpContext ctx, Func<Tensor, Tensor, Tensor> pair)
    {
        var inputs = new List<Tensor>();
        for (int i = 0; i < ctx.InputCount; i++)
        {
            if (ctx.HasInput(i))
            {
                inputs.Add(ctx.Input(i));
            }
        }
        if (inputs.Count == 0)
        {
            throw ctx.Error("needs at least one input");
        }
        foreach (var t in inputs)
        {
            if (t.DType != inputs[0].DType)
            {
                throw ctx.Error($"inputs mix {inputs[0].DType.OnnxName()} and {t.DType.OnnxName()}");
            }
        }
        var acc = inputs[0];
        if (inputs.Count == 1)
        {
            // One input still goes through the loop so the result is a fresh tensor of the same values.
            return acc.Clone();
        }
        for (int i = 1; i < inputs.Count; i++)
        {
            acc = pair(acc, inputs[i]);
        }
        return acc;
    }

    /// <summary>Fails with a clear message when a float-only op gets another dtype.</summary>
    public static Tensor RequireFloat(OpContext ctx, Tensor t)
    {
        if (!t.DType.IsFloat())
        {
            throw ctx.Error($"expects a floating-point tensor, got {t.DType.OnnxName()}");
        }
        return t;
    }

    /// <summary>
    /// The error function to near double precision: for |x| &lt; 6 the series
    /// erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n (2^n x^(2n+1)) / (1*3*...*(2n+1)), whose terms are all positive so nothing
    /// cancels; beyond 6, erf is +-1 to double precision.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        double a = Math.Abs(x);
        if (a >= 6)
        {
            return Math.Sign(x);
        }
        double term = a;
        double sum = a;
        double x2 = a * a;
        for (int n = 1; n < 500; n++)
        {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }
        double r = 2 / Math.Sqrt(Math.PI) * Math.Exp(-x2) * sum;
        return x < 0 ? -r : r;
    }

    /// <summary>log(1 + exp(x)) without overflow for large x.</summary>
    public static double Softplus(double x) => x > 0 ? x + Log1p(Math.Exp(-x)) : Log1p(Math.Exp(x));

    /// <summary>log(1 + x), accurate for tiny x (Goldberg's correction of the rounded 1 + x).</summary>
    public static double Log1p(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>Elementwise max (or min) of two same-dtype tensors: exact for integers (uint64 compared unsigned), NaN-propagating for floats.</summary>
    public static Tensor Pick(Tensor a, Tensor b, bool greater)
    {
        if (a.DType.IsInteger() || a.DType == DType.Bool)
        {
            bool u64 = a.DType == DType.UInt64;
            return IntBinary(a, b, (x, y) =>
            {
                // Flipping the sign bit orders uint64 values correctly as signed longs.
                bool xFirst = u64 ? (x ^ long.MinValue) >= (y ^ long.MinValue) : x >= y;
                return xFirst == greater ? x : y;
            });
        }
        return Elementwise.Binary(a, b, (x, y) => greater ? Math.Max(x, y) : Math.Min(x, y));
    }
}
