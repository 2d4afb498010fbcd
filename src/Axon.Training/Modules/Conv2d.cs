using Axon.Graph.Builder;

namespace Axon.Training;

/// <summary>2-D convolution, NCHW, weights [out, in/groups, k, k], symmetric padding.</summary>
public sealed class Conv2d(int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, bool bias = true, int groups = 1) : Module
{
    public override Value Forward(ForwardContext ctx, Value x)
    {
        var w = ctx.Parameter("weight", [outChannels, inChannels / groups, kernel, kernel], Init.HeUniform, inChannels / groups * kernel * kernel);
        Value? b = bias ? ctx.Parameter("bias", [outChannels], Init.Zeros) : null;
        return ctx.Builder.Conv(x, w, b, strides: [stride, stride], pads: [padding, padding, padding, padding], group: groups);
    }
}
