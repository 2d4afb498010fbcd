namespace Axon.Graph.Ops;

/// <summary>Identity: passes the type (any kind, sequences included), and any known value, straight through.</summary>
[Schema("Identity")]
internal sealed class Identity : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        if (ctx.DimsValue(0) is { } d)
        {
            ctx.SetDims(0, d);
        }
        if (ctx.Const(0) is { } c)
        {
            ctx.SetConst(0, c);
        }
        return ctx.One(ctx.Input(0) ?? TypeInfo.Unknown);
    }
}
