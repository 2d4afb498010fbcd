namespace Axon.Graph.Reference.Ops;

/// <summary>
/// NegativeLogLikelihoodLoss: loss[n, d...] = -input[n, target, d...] * weight[target] (0 where target == ignore_index),
/// then reduced by "none", "sum" or "mean" (sum divided by the summed weights of the samples that count).
/// </summary>
[Op("NegativeLogLikelihoodLoss")]
internal sealed class NegativeLogLikelihoodLoss : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var input = ctx.Input(0);
        return [Loss(ctx, input.ToDoubles(), input.Shape, input.DType, ctx.Input(1), ctx.OptionalInput(2))];
    }

    /// <summary>The NLL loss of log-probabilities <paramref name="logProb"/> of shape (N, C, d...) against integer targets (N, d...); shared with SoftmaxCrossEntropyLoss.</summary>
    internal static Tensor Loss(OpContext ctx, double[] logProb, int[] shape, DType dtype, Tensor target, Tensor? weight)
    {
        if (shape.Length < 2)
        {
            throw ctx.Error($"input must have shape (N, C, ...), got [{string.Join(",", shape)}]");
        }
        int n = shape[0], c = shape[1];
        int inner = AxisRows.Prod(shape, 2, shape.Length);
        var expectTarget = new[] { n }.Concat(shape.Skip(2)).ToArray();
        if (!target.Shape.AsSpan().SequenceEqual(expectTarget))
        {
            throw ctx.Error($"target shape [{string.Join(",", target.Shape)}] must be [{string.Join(",", expectTarget)}]");
        }
        var w = weight?.ToDoubles();
        if (w is not null && w.Length != c)
        {
            throw ctx.Error($"weight must have {c} elements, got {w.Length}");
        }
        bool hasIgnore = ctx.Node.HasAttr("ignore_index");
        long ignore = ctx.Int("ignore_index", 0);
        string reduction = ctx.String("reduction", "mean");
        var labels = target.ToInt64s();
        var loss = new double[labels.Length];
        double weightSum = 0;
        for (int s = 0; s < labels.Length; s++)
        {
            long label = labels[s];
            if (hasIgnore && label == ignore)
            {
                continue;
            }
            if (label < 0 || label >= c)
            {
                throw ctx.Error($"target value {label} is outside [0, {c})");
            }
            int b = s / inner, j = s % inner;
            double wt = w is null ? 1 : w[label];
            loss[s] = -logProb[(b * c + (int)label) * inner + j] * wt;
            weightSum += wt;
        }
        switch (reduction)
        {
            case "none":
                return Tensor.FromDoubles(dtype, loss, target.Shape);
            case "sum":
                return Tensor.FromDoubles(dtype, [loss.Sum()], []);
            case "mean":
                return Tensor.FromDoubles(dtype, [loss.Sum() / weightSum], []);
            default:
                throw ctx.Error($"reduction must be none, sum or mean, got '{reduction}'");
        }
    }
}
