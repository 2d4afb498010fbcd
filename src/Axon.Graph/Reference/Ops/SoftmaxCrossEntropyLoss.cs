namespace Axon.Graph.Reference.Ops;

/// <summary>
/// SoftmaxCrossEntropyLoss: log-softmax over the class axis (axis 1) followed by the negative log likelihood loss; the
/// optional second output is the log-softmax itself.
/// </summary>
[Op("SoftmaxCrossEntropyLoss")]
internal sealed class SoftmaxCrossEntropyLoss : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var scores = ctx.Input(0);
        var shape = scores.Shape;
        if (shape.Length < 2)
        {
            throw ctx.Error($"scores must have shape (N, C, ...), got [{string.Join(",", shape)}]");
        }
        var logProb = scores.ToDoubles();
        AxisRows.AlongAxis(shape, 1).Apply(logProb, (row, _) => LogSoftmax.InPlace(row));
        var loss = NegativeLogLikelihoodLoss.Loss(ctx, logProb, shape, scores.DType, ctx.Input(1), ctx.OptionalInput(2));
        return [loss, ctx.WantsOutput(1) ? Tensor.FromDoubles(scores.DType, logProb, shape) : null];
    }
}
