namespace Axon.Graph.Reference;

/// <summary>
/// The write step shared by ScatterND, ScatterElements, Scatter and TensorScatter: a copy of the data with update element
/// j written to (or combined into) flat position targets[j], in update order so later duplicates win or accumulate.
/// </summary>
internal static class ScatterUpdate
{
    public static Tensor Apply(OpContext ctx, Tensor data, Tensor updates, int[] targets, string reduction)
    {
        if (updates.DType != data.DType)
        {
            throw ctx.Error($"updates are {updates.DType.OnnxName()} but data is {data.DType.OnnxName()}");
        }
        if (reduction == "none")
        {
            var map = new int[data.Length];
            for (int i = 0; i < map.Length; i++)
            {
                map[i] = i;
            }
            for (int j = 0; j < targets.Length; j++)
            {
                map[targets[j]] = ~j;
            }
            return NdIndex.Take(data, updates, map, data.Shape);
        }
        if (!data.DType.IsNumeric())
        {
            throw ctx.Error($"reduction '{reduction}' needs numbers, not {data.DType.OnnxName()}");
        }
        if (data.DType.IsFloat())
        {
            Func<double, double, double> f = reduction switch
            {
                "add" => (a, b) => a + b,
                "mul" => (a, b) => a * b,
                "max" => Math.Max,
                "min" => Math.Min,
                _ => throw ctx.Error($"unknown reduction '{reduction}'"),
            };
            var d = data.ToDoubles();
            var u = updates.ToDoubles();
            for (int j = 0; j < targets.Length; j++)
            {
                d[targets[j]] = f(d[targets[j]], u[j]);
            }
            return Tensor.FromDoubles(data.DType, d, data.Shape);
        }
        // Integers combine in int64 (wrapping like the narrow type); uint64 compares unsigned.
        bool u64 = data.DType == DType.UInt64;
        Func<long, long, long> fi = reduction switch
        {
            "add" => (a, b) => unchecked(a + b),
            "mul" => (a, b) => unchecked(a * b),
            "max" => u64 ? (a, b) => (ulong)a >= (ulong)b ? a : b : Math.Max,
            "min" => u64 ? (a, b) => (ulong)a <= (ulong)b ? a : b : Math.Min,
            _ => throw ctx.Error($"unknown reduction '{reduction}'"),
        };
        var di = data.ToInt64s();
        var ui = updates.ToInt64s();
        for (int j = 0; j < targets.Length; j++)
        {
            di[targets[j]] = fi(di[targets[j]], ui[j]);
        }
        return Tensor.FromInt64s(data.DType, di, data.Shape);
    }
}
