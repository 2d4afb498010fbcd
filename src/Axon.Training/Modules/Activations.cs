using Axon.Graph;
using Axon.Graph.Builder;

namespace Axon.Training;

/// <summary>Max(x, 0).</summary>
public sealed class ReLU : Module
{
    public override Value Forward(ForwardContext ctx, Value x) => ctx.Builder.Relu(x);
}

/// <summary>GELU (erf form; <paramref name="tanh"/> selects the tanh approximation).</summary>
public sealed class GELU(bool tanh = false) : Module
{
    public override Value Forward(ForwardContext ctx, Value x) =>
        tanh ? ctx.Builder.Node("Gelu", [x], Attr.Of("approximate", "tanh")) : ctx.Builder.Node("Gelu", [x]);
}

/// <summary>Logistic sigmoid.</summary>
public sealed class Sigmoid : Module
{
    public override Value Forward(ForwardContext ctx, Value x) => ctx.Builder.Sigmoid(x);
}

/// <summary>Hyperbolic tangent.</summary>
public sealed class Tanh : Module
{
    public override Value Forward(ForwardContext ctx, Value x) => ctx.Builder.Tanh(x);
}

/// <summary>x for x &gt; 0, alpha·x otherwise.</summary>
public sealed class LeakyReLU(float alpha = 0.01f) : Module
{
    public override Value Forward(ForwardContext ctx, Value x) => ctx.Builder.Node("LeakyRelu", [x], Attr.Of("alpha", alpha));
}

/// <summary>Softmax over the last axis (for inference heads; training uses the fused cross-entropy on logits).</summary>
public sealed class Softmax(long axis = -1) : Module
{
    public override Value Forward(ForwardContext ctx, Value x) => ctx.Builder.Softmax(x, axis);
}
