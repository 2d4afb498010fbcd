namespace Axon.Graph.Reference.Ops;

/// <summary>Wraps its input in an optional, or makes an empty optional (of the type attribute) when there is no input.</summary>
[Op("Optional")]
internal sealed class Optional : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var v = ctx.InputCount > 0 ? ctx.Inputs[0] : null;
        return [v is OptionalValue o ? o : new OptionalValue(v)];
    }
}
