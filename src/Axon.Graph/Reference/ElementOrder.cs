namespace Axon.Graph.Reference;

/// <summary>
/// Orders the elements of one tensor by value (for TopK and Unique): integers compare exactly (uint64 unsigned), floats
/// as doubles with NaN above every number (like NumPy's sort), bools as 0/1, strings ordinally.
/// </summary>
internal static class ElementOrder
{
    /// <summary>A comparison of two flat element positions of <paramref name="t"/>.</summary>
    public static Comparison<int> Of(Tensor t)
    {
        if (t.DType == DType.String)
        {
            var s = t.Strings.ToArray();
            return (a, b) => string.CompareOrdinal(s[a], s[b]);
        }
        if (t.DType == DType.UInt64)
        {
            var u = t.ToInt64s();
            return (a, b) => ((ulong)u[a]).CompareTo((ulong)u[b]);
        }
        if (t.DType.IsInteger() || t.DType == DType.Bool)
        {
            var v = t.ToInt64s();
            return (a, b) => v[a].CompareTo(v[b]);
        }
        if (t.DType.IsFloat())
        {
            var d = t.ToDoubles();
            // double.CompareTo puts NaN below everything; NumPy sorts NaN last, so flip it.
            return (a, b) => (double.IsNaN(d[a]), double.IsNaN(d[b])) switch
            {
                (true, true) => 0,
                (true, false) => 1,
                (false, true) => -1,
                _ => d[a].CompareTo(d[b]),
            };
        }
        throw new AxonModelException($"cannot order {t.DType.OnnxName()} elements", "AXON110");
    }
}
