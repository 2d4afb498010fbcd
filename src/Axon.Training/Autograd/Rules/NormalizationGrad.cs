using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// BatchNormalization: in training mode axon:BatchNormGrad (batch statistics recomputed from X) gives dX, dScale and
/// dBias; in inference mode (frozen statistics, e.g. fine-tuning) dX = dY·scale/√(var+ε) per channel, dBias = Σ dY and
/// dScale = Σ dY·x̂ over images and positions. LayerNormalization: axon:LayerNormGrad.
/// </summary>
[GradFor("BatchNormalization")]
[GradFor("LayerNormalization")]
internal sealed class NormalizationGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        for (int o = 1; o < ctx.Node.Outputs.Count; o++)
        {
            if (ctx.OutGrad(o) is not null && ctx.Node.OpType == "LayerNormalization")
            {
                throw ctx.Fail("gradients through LayerNormalization's Mean/InvStdDev outputs are not supported");
            }
        }
        if (ctx.OutGrad(0) is not { } dy)
        {
            return;
        }
        string x = ctx.Input(0), scale = ctx.Input(1);
        var eps = Attr.Of("epsilon", ctx.Node.GetFloat("epsilon", 1e-5f));
        if (ctx.Node.OpType == "LayerNormalization")
        {
            var outs = ctx.EmitMulti("LayerNormGrad", "axon", [dy, x, scale], 3, "ln_grad", eps, Attr.Of("axis", ctx.Node.GetInt("axis", -1)));
            Set(ctx, outs);
            return;
        }
        if (ctx.Node.GetInt("training_mode", 0) != 0)
        {
            Set(ctx, ctx.EmitMulti("BatchNormGrad", "axon", [dy, x, scale], 3, "bn_grad", eps));
            return;
        }
        if (ctx.Needs(3) || ctx.Needs(4))
        {
            throw ctx.Fail("inference-mode BatchNormalization's mean and variance are not differentiable; freeze them");
        }
        int rank = ctx.RankOrFail(x);
        var dt = ctx.ElemType(x);
        var channelShape = ctx.Int64s([-1, .. Enumerable.Repeat(1L, rank - 2)]);
        var invStd = ctx.Emit("Reciprocal", [ctx.Emit("Sqrt", [ctx.Emit("Add", [ctx.Input(4), ctx.Scalar(ctx.Node.GetFloat("epsilon", 1e-5f), dt)], "bn_ve")], "bn_sd")], "bn_inv");
        var invC = ctx.Emit("Reshape", [invStd, channelShape], "bn_inv_c");
        if (ctx.Needs(0))
        {
            var k = ctx.Emit("Reshape", [ctx.Emit("Mul", [scale, invStd], "bn_k"), channelShape], "bn_k_c");
            ctx.AddGrad(0, ctx.Emit("Mul", [dy, k], "bn_dx"));
        }
        if (ctx.Needs(1))
        {
            var xhat = ctx.Emit("Mul", [ctx.Emit("Sub", [x, ctx.Emit("Reshape", [ctx.Input(3), channelShape], "bn_mean_c")], "bn_xc"), invC], "bn_xhat");
            ctx.AddGrad(1, ctx.EmitAxon("ConvGradBias", [ctx.Emit("Mul", [dy, xhat], "bn_dyx")], "bn_dscale"));
        }
        if (ctx.Needs(2))
        {
            ctx.AddGrad(2, ctx.EmitAxon("ConvGradBias", [dy], "bn_dbias"));
        }
    }

    private static void Set(GradContext ctx, string[] outs)
    {
        for (int i = 0; i < 3; i++)
        {
            if (ctx.Needs(i))
            {
                ctx.AddGrad(i, outs[i]);
            }
        }
    }
}
