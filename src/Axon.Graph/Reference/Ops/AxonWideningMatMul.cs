namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:WideningMatMul(A, W, bias?, Z?) {activation...}: the BF16/FP16 weight W [K, N] widened exactly to FP32, then
/// axon:FusedMatMul's semantics (MatMul, + bias, + Z, activation) in FP32.
/// </summary>
[Op("WideningMatMul", Domain = "axon")]
internal sealed class AxonWideningMatMul : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var w = ctx.Input(1);
        if (w.DType is not (DType.BFloat16 or DType.Float16) || w.Rank != 2)
        {
            throw ctx.Error($"expects a bfloat16 or float16 weight [K, N], got {w}");
        }
        var wide = AxonFusion.RunOnnx(ctx, "Cast", [Attr.Of("to", (long)DType.Float32)], w);
        var y = AxonFusion.RunOnnx(ctx, "MatMul", [], ctx.Input(0), wide);
        if (ctx.OptionalInput(2) is { } bias)
        {
            y = AxonFusion.RunOnnx(ctx, "Add", [], y, bias);
        }
        return [AxonFusion.Epilogue(ctx, y, ctx.OptionalInput(3))];
    }
}
