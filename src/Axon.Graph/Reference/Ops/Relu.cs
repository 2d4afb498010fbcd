namespace Axon.Graph.Reference.Ops;

[Op("Relu")]
internal sealed class Relu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.UnaryArith(ctx.Input(0), x => x > 0 ? x : 0, x => x > 0 ? x : 0)];
}
