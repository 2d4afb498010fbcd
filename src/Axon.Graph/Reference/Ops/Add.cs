namespace Axon.Graph.Reference.Ops;

[Op("Add")]
internal sealed class Add : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Elementwise.Arith(ctx.Input(0), ctx.Input(1), (a, b) => a + b, (a, b) => unchecked(a + b))];
}
