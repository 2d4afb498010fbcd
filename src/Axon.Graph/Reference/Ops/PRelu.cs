namespace Axon.Graph.Reference.Ops;

/// <summary>x for x &gt;= 0, slope * x otherwise; the slope broadcasts to X (unidirectionally).</summary>
[Op("PRelu")]
internal sealed class PRelu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var slope = ctx.Input(1);
        if (ctx.Opset < 7 && slope.Rank == 1 && x.Rank > 2 && slope.Length == x.Shape[1] && slope.Length > 1)
        {
            // Before opset 7 a 1-D slope holds one value per channel (axis 1), not per trailing element.
            slope = slope.Reshape([slope.Length, .. Enumerable.Repeat(1, x.Rank - 2)]);
        }
        var shape = Broadcast.Shape(x.Shape, slope.Shape);
        if (!shape.AsSpan().SequenceEqual(x.Shape))
        {
            throw ctx.Error($"slope [{string.Join(",", slope.Shape)}] must broadcast to X [{string.Join(",", x.Shape)}]");
        }
        if (x.DType.IsUnsignedInt())
        {
            // Unsigned values are never negative (and uint64 above 2^63 must not look negative in the int64 loop).
            return [x.Clone()];
        }
        return [Elementwise.Arith(x, slope, (v, s) => v < 0 ? s * v : v, (v, s) => v < 0 ? unchecked(s * v) : v)];
    }
}
