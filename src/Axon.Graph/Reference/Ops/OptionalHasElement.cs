namespace Axon.Graph.Reference.Ops;

/// <summary>True when the input is a non-empty optional or a plain tensor/sequence; false when it is empty or omitted.</summary>
[Op("OptionalHasElement")]
internal sealed class OptionalHasElement : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var v = ctx.InputCount > 0 ? ctx.Inputs[0] : null;
        bool has = v switch
        {
            null => false,
            OptionalValue o => o.HasValue,
            _ => true,
        };
        return [Tensor.Scalar(has)];
    }
}
