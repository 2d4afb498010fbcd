using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// SoftmaxCrossEntropyLoss(scores, labels, weights?): dScores = g·w[label]·(softmax(scores) - onehot(label)) by the fused
/// axon:SoftmaxCrossEntropyGrad, with the node's reduction and ignore_index. The log_prob output is not differentiated.
/// </summary>
[GradFor("SoftmaxCrossEntropyLoss")]
internal sealed class SoftmaxCrossEntropyGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(1) is not null)
        {
            throw ctx.Fail("the gradient through the log_prob output is not supported; use LogSoftmax + NegativeLogLikelihoodLoss");
        }
        if (ctx.OutGrad(0) is not { } dLoss || !ctx.Needs(0))
        {
            return;
        }
        var inputs = new List<string> { dLoss, ctx.Input(0), ctx.Input(1) };
        if (ctx.HasInput(2))
        {
            inputs.Add(ctx.Input(2));
        }
        var attrs = ctx.Node.Attributes.Values.Where(a => a.Name is "reduction" or "ignore_index").ToArray();
        ctx.AddGrad(0, ctx.EmitAxon("SoftmaxCrossEntropyGrad", inputs.ToArray(), "sce_dscores", attrs));
    }
}
