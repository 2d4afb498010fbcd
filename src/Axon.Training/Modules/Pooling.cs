using Axon.Graph;
using Axon.Graph.Builder;

namespace Axon.Training;

/// <summary>2-D max pooling (stride defaults to the kernel size).</summary>
public sealed class MaxPool2d(int kernel, int? stride = null, int padding = 0) : Module
{
    public override Value Forward(ForwardContext ctx, Value x) =>
        ctx.Builder.MaxPool(x, [kernel, kernel], [stride ?? kernel, stride ?? kernel], [padding, padding, padding, padding]);
}

/// <summary>2-D average pooling (padding excluded from the count).</summary>
public sealed class AvgPool2d(int kernel, int? stride = null, int padding = 0) : Module
{
    public override Value Forward(ForwardContext ctx, Value x) => ctx.Builder.Node("AveragePool", [x],
        Attr.Of("kernel_shape", new long[] { kernel, kernel }), Attr.Of("strides", new long[] { stride ?? kernel, stride ?? kernel }),
        Attr.Of("pads", new long[] { padding, padding, padding, padding }));
}

/// <summary>Mean over the spatial plane: [N, C, H, W] to [N, C, 1, 1].</summary>
public sealed class GlobalAvgPool2d : Module
{
    public override Value Forward(ForwardContext ctx, Value x) => ctx.Builder.GlobalAveragePool(x);
}

/// <summary>[N, d1, d2, ...] to [N, d1·d2·...].</summary>
public sealed class Flatten : Module
{
    public override Value Forward(ForwardContext ctx, Value x) => ctx.Builder.Flatten(x);
}

/// <summary>Drops elements with probability <c>p</c> in the training graph (seeded), identity in the inference graph.</summary>
public sealed class Dropout(float p = 0.5f) : Module
{
    public override Value Forward(ForwardContext ctx, Value x)
    {
        if (!ctx.Training || p <= 0)
        {
            return x;
        }
        var ratio = ctx.Scalar("dropout_ratio", p);
        var mode = ctx.Const("dropout_training", Tensor.Scalar(true));
        return ctx.Builder.NodeMulti("Dropout", [x, ratio, mode], 2, Attr.Of("seed", (long)(ctx.Seed % int.MaxValue)))[0];
    }
}
