namespace Axon.Graph.Reference;

/// <summary>
/// The loops behind elementwise reference ops. Floats compute in double and round once to the output type; integers
/// compute in int64 so they stay exact (uint64 wraps bit for bit). Wrap-around ops (+, -, *, bitwise) give the same bits
/// signed or unsigned; order-dependent ones (division, modulo, min/max, sign tests) pass an unsigned function, which the
/// helpers use for uint64 so values above 2^63 are not seen as negative.
/// </summary>
public static class Elementwise
{
    /// <summary>
    /// A broadcasting binary op; picks the int64 path for integer inputs and the double path otherwise. For uint64 inputs
    /// <paramref name="fu"/> (when given) computes on the unsigned values; without it <paramref name="fi"/> sees the
    /// two's-complement bits, which is exact only for wrap-around arithmetic.
    /// </summary>
    public static Tensor Arith(Tensor a, Tensor b, Func<double, double, double> f, Func<long, long, long> fi, DType? outType = null,
        Func<ulong, ulong, ulong>? fu = null)
    {
        var shape = Broadcast.Shape(a.Shape, b.Shape);
        var ma = Broadcast.IndexMap(a.Shape, shape);
        var mb = Broadcast.IndexMap(b.Shape, shape);
        var ot = outType ?? a.DType;
        if (a.DType.IsInteger() || a.DType == DType.Bool)
        {
            var x = a.ToInt64s();
            var y = b.ToInt64s();
            var r = new long[ma.Length];
            if (a.DType == DType.UInt64 && fu is not null)
            {
                for (int i = 0; i < r.Length; i++)
                {
                    r[i] = unchecked((long)fu((ulong)x[ma[i]], (ulong)y[mb[i]]));
                }
                return Tensor.FromInt64s(ot, r, shape);
            }
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = fi(x[ma[i]], y[mb[i]]);
            }
            return Tensor.FromInt64s(ot, r, shape);
        }
        var xd = a.ToDoubles();
        var yd = b.ToDoubles();
        var rd = new double[ma.Length];
        for (int i = 0; i < rd.Length; i++)
        {
            rd[i] = f(xd[ma[i]], yd[mb[i]]);
        }
        return Tensor.FromDoubles(ot, rd, shape);
    }

    /// <summary>A broadcasting binary op computed in double (for floats, or where the int path is not needed).</summary>
    public static Tensor Binary(Tensor a, Tensor b, Func<double, double, double> f, DType? outType = null)
    {
        var shape = Broadcast.Shape(a.Shape, b.Shape);
        var ma = Broadcast.IndexMap(a.Shape, shape);
        var mb = Broadcast.IndexMap(b.Shape, shape);
        var xd = a.ToDoubles();
        var yd = b.ToDoubles();
        var rd = new double[ma.Length];
        for (int i = 0; i < rd.Length; i++)
        {
            rd[i] = f(xd[ma[i]], yd[mb[i]]);
        }
        return Tensor.FromDoubles(outType ?? a.DType, rd, shape);
    }

    /// <summary>A broadcasting comparison or logical op producing bool; integers compare exactly (uint64 as unsigned).</summary>
    public static Tensor Compare(Tensor a, Tensor b, Func<double, double, bool> f, Func<long, long, bool> fi)
    {
        var shape = Broadcast.Shape(a.Shape, b.Shape);
        var ma = Broadcast.IndexMap(a.Shape, shape);
        var mb = Broadcast.IndexMap(b.Shape, shape);
        var r = Tensor.CreateUninitialized(DType.Bool, shape);
        var o = r.Span<bool>();
        if (a.DType.IsInteger() || a.DType == DType.Bool)
        {
            var x = a.ToInt64s();
            var y = b.ToInt64s();
            bool unsigned64 = a.DType == DType.UInt64;
            for (int i = 0; i < o.Length; i++)
            {
                long p = x[ma[i]], q = y[mb[i]];
                // uint64 values above long.MaxValue compare correctly after flipping the sign bit.
                o[i] = unsigned64 ? fi(p ^ long.MinValue, q ^ long.MinValue) : fi(p, q);
            }
            return r;
        }
        var xd = a.ToDoubles();
        var yd = b.ToDoubles();
        for (int i = 0; i < o.Length; i++)
        {
            o[i] = f(xd[ma[i]], yd[mb[i]]);
        }
        return r;
    }

    /// <summary>A unary op computed in double, producing the input's dtype unless told otherwise.</summary>
    public static Tensor Unary(Tensor x, Func<double, double> f, DType? outType = null)
    {
        var d = x.ToDoubles();
        for (int i = 0; i < d.Length; i++)
        {
            d[i] = f(d[i]);
        }
        return Tensor.FromDoubles(outType ?? x.DType, d, x.Shape);
    }

    /// <summary>A unary op with an exact int64 path for integer inputs (and an unsigned one for uint64 when <paramref name="fu"/> is given).</summary>
    public static Tensor UnaryArith(Tensor x, Func<double, double> f, Func<long, long> fi, Func<ulong, ulong>? fu = null)
    {
        if (x.DType.IsInteger())
        {
            var v = x.ToInt64s();
            bool unsigned64 = x.DType == DType.UInt64 && fu is not null;
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = unsigned64 ? unchecked((long)fu!((ulong)v[i])) : fi(v[i]);
            }
            return Tensor.FromInt64s(x.DType, v, x.Shape);
        }
        return Unary(x, f);
    }
}
