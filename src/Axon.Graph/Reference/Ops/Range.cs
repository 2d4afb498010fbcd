namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Range: start, start+delta, ... up to limit (exclusive); ceil((limit-start)/delta) elements, none if negative.
/// Integers are exact; floats compute start + i*delta in double and round once, which is at least as precise as the
/// float32 stash that opset 27 asks for with float16/bfloat16.
/// </summary>
[Op("Range")]
internal sealed class Range : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var start = ctx.Input(0);
        var limit = ctx.Input(1);
        var delta = ctx.Input(2);
        if (start.Length != 1 || limit.Length != 1 || delta.Length != 1)
        {
            throw ctx.Error("start, limit and delta must be scalars");
        }
        var dt = start.DType;
        if (dt.IsInteger())
        {
            long s = start.ToInt64s()[0], l = limit.ToInt64s()[0], d = delta.ToInt64s()[0];
            if (d == 0)
            {
                throw ctx.Error("delta is 0");
            }
            long span = l - s;
            long n = d > 0 ? (span > 0 ? (span + d - 1) / d : 0) : (span < 0 ? (-span + -d - 1) / -d : 0);
            var v = new long[NdIndex.ToInt(ctx, n, "element count")];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] = s + i * d;
            }
            return [Tensor.FromInt64s(dt, v, v.Length)];
        }
        double sd = start.ToDoubles()[0], ld = limit.ToDoubles()[0], dd = delta.ToDoubles()[0];
        if (dd == 0 || double.IsNaN(dd))
        {
            throw ctx.Error($"delta is {dd}");
        }
        double count = Math.Max(Math.Ceiling((ld - sd) / dd), 0);
        if (double.IsNaN(count) || count > int.MaxValue)
        {
            throw ctx.Error($"range {sd}..{ld} step {dd} has no finite element count");
        }
        var r = new double[(int)count];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = sd + i * dd;
        }
        return [Tensor.FromDoubles(dt, r, r.Length)];
    }
}
