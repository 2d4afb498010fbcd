namespace Axon.Graph.Reference.Ops;

/// <summary>Passes its input through unchanged: a tensor, a sequence or an optional.</summary>
[Op("Identity")]
internal sealed class Identity : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        if (!ctx.HasInput(0))
        {
            throw ctx.Error("required input 0 is missing");
        }
        return [ctx.Inputs[0]];
    }
}
