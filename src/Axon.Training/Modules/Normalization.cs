using Axon.Graph;
using Axon.Graph.Builder;

namespace Axon.Training;

/// <summary>
/// BatchNormalization over channels (NCHW). In the training graph it normalizes with the batch's statistics
/// (training_mode = 1) and outputs updated running statistics, which autograd turns into state
/// (running = running·momentum + batch·(1 - momentum), ONNX's convention); the inference graph uses the running ones.
/// </summary>
public sealed class BatchNorm2d(int channels, float epsilon = 1e-5f, float momentum = 0.9f) : Module
{
    public override Value Forward(ForwardContext ctx, Value x)
    {
        var scale = ctx.Parameter("weight", [channels], Init.Ones);
        var bias = ctx.Parameter("bias", [channels], Init.Zeros);
        var mean = ctx.Parameter("running_mean", [channels], Init.Zeros);
        var var = ctx.Parameter("running_var", [channels], Init.Ones);
        if (!ctx.Training)
        {
            return ctx.Builder.BatchNorm(x, scale, bias, mean, var, epsilon);
        }
        return ctx.Builder.NodeMulti("BatchNormalization", [x, scale, bias, mean, var], 3,
            Attr.Of("epsilon", epsilon), Attr.Of("momentum", momentum), Attr.Of("training_mode", 1L))[0];
    }
}

/// <summary>LayerNormalization over the last axis, with scale and bias.</summary>
public sealed class LayerNorm(int features, float epsilon = 1e-5f) : Module
{
    public override Value Forward(ForwardContext ctx, Value x) =>
        ctx.Builder.LayerNorm(x, ctx.Parameter("weight", [features], Init.Ones), ctx.Parameter("bias", [features], Init.Zeros), -1, epsilon);
}

/// <summary>Rows of a [num, dim] table looked up by int64 ids (Gather on axis 0).</summary>
public sealed class Embedding(int num, int dim) : Module
{
    public override Value Forward(ForwardContext ctx, Value ids) =>
        ctx.Builder.Node("Gather", [ctx.Parameter("weight", [num, dim], Init.Normal002), ids], Attr.Of("axis", 0L));
}
