namespace Axon.Onnx.Conformance;

/// <summary>ONNX's backend-test comparison rule: equal shape and dtype, |a-e| &lt;= atol + rtol*|e|, NaN equals NaN, exact for integers, bools and strings.</summary>
public static class ValueComparer
{
    public const double DefaultRtol = 1e-3;
    public const double DefaultAtol = 1e-7;

    /// <summary>Null when the values match, else a one-line reason.</summary>
    public static string? Compare(IValue? expected, IValue? actual, double rtol = DefaultRtol, double atol = DefaultAtol, bool shapeAndTypeOnly = false)
    {
        switch (expected)
        {
            case null:
                return actual is null || actual is OptionalValue { HasValue: false } ? null : $"expected no value, got {actual}";
            case OptionalValue eo:
                if (actual is OptionalValue ao)
                {
                    return Compare(eo.Value, ao.Value, rtol, atol, shapeAndTypeOnly);
                }
                return eo.Value is null ? $"expected an empty optional, got {actual}" : Compare(eo.Value, actual, rtol, atol, shapeAndTypeOnly);
            case TensorSequence es:
                if (actual is OptionalValue { Value: TensorSequence inner })
                {
                    actual = inner;
                }
                if (actual is not TensorSequence seq)
                {
                    return $"expected a sequence, got {actual?.ToString() ?? "nothing"}";
                }
                if (seq.Items.Count != es.Items.Count)
                {
                    return $"sequence length {seq.Items.Count}, expected {es.Items.Count}";
                }
                for (int i = 0; i < es.Items.Count; i++)
                {
                    var r = Compare(es.Items[i], seq.Items[i], rtol, atol, shapeAndTypeOnly);
                    if (r is not null)
                    {
                        return $"sequence element {i}: {r}";
                    }
                }
                return null;
            case Tensor et:
                if (actual is OptionalValue { Value: Tensor innerT })
                {
                    actual = innerT;
                }
                if (actual is not Tensor at)
                {
                    return $"expected a tensor, got {actual?.ToString() ?? "nothing"}";
                }
                return CompareTensors(et, at, rtol, atol, shapeAndTypeOnly);
            default:
                return $"cannot compare {expected}";
        }
    }

    public static string? CompareTensors(Tensor e, Tensor a, double rtol, double atol, bool shapeAndTypeOnly = false)
    {
        if (e.DType != a.DType)
        {
            return $"dtype {a.DType.OnnxName()}, expected {e.DType.OnnxName()}";
        }
        if (!e.Shape.AsSpan().SequenceEqual(a.Shape))
        {
            return $"shape [{string.Join(",", a.Shape)}], expected [{string.Join(",", e.Shape)}]";
        }
        if (shapeAndTypeOnly)
        {
            return null;
        }
        if (e.DType == DType.String)
        {
            var es = e.Strings;
            var xs = a.Strings;
            for (int i = 0; i < es.Length; i++)
            {
                if (!string.Equals(es[i], xs[i], StringComparison.Ordinal))
                {
                    return $"element {i}: \"{xs[i]}\", expected \"{es[i]}\"";
                }
            }
            return null;
        }
        if (!e.DType.IsFloat())
        {
            var ei = e.ToInt64s();
            var ai = a.ToInt64s();
            for (int i = 0; i < ei.Length; i++)
            {
                if (ei[i] != ai[i])
                {
                    return $"element {i}: {ai[i]}, expected {ei[i]}";
                }
            }
            return null;
        }
        var ed = e.ToDoubles();
        var ad = a.ToDoubles();
        int bad = 0;
        int first = -1;
        double worst = 0;
        for (int i = 0; i < ed.Length; i++)
        {
            double x = ad[i], y = ed[i];
            bool ok = double.IsNaN(y) ? double.IsNaN(x) : (x == y || Math.Abs(x - y) <= atol + rtol * Math.Abs(y));
            if (!ok)
            {
                bad++;
                if (first < 0)
                {
                    first = i;
                }
                worst = Math.Max(worst, double.IsNaN(x) ? double.PositiveInfinity : Math.Abs(x - y));
            }
        }
        return bad == 0 ? null : $"{bad} of {ed.Length} elements differ (first at {first}: {ad[first]:G6} vs expected {ed[first]:G6}; max abs diff {worst:G3})";
    }
}
