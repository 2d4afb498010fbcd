namespace Axon.Graph.Reference.Ops;

/// <summary>CumProd (opset 26): running products along an axis, with the exclusive and reverse options of CumSum.</summary>
[Op("CumProd")]
internal sealed class CumProd : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [CumSum.Scan(ctx, 1, (a, b) => a * b, (a, b) => unchecked(a * b))];
}
