namespace Axon.Graph.Reference.Ops;

[Op("Neg")]
internal sealed class Neg : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.UnaryArith(ctx.Input(0), x => -x, x => unchecked(-x))];
}
