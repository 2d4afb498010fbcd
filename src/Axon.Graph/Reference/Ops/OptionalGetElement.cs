namespace Axon.Graph.Reference.Ops;

/// <summary>The value inside an optional (an error when it is empty); a plain tensor or sequence passes through.</summary>
[Op("OptionalGetElement")]
internal sealed class OptionalGetElement : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var v = ctx.InputCount > 0 ? ctx.Inputs[0] : null;
        return v switch
        {
            OptionalValue { Value: { } inner } => [inner],
            OptionalValue => throw ctx.Error("the optional input is empty"),
            null => throw ctx.Error("the input is missing"),
            _ => [v],
        };
    }
}
