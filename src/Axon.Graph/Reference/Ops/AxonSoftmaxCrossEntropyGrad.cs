namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:SoftmaxCrossEntropyGrad(dLoss, Scores, Labels, Weights?) {reduction, ignore_index}: the gradient of
/// SoftmaxCrossEntropyLoss with respect to its scores (N, C, d...): dScores[n,c,d] = g[n,d]·w[label]·(softmax[n,c,d] -
/// [c == label]), where g is dLoss (scalar for "sum", divided by the summed weights for "mean", per sample for "none")
/// and ignored samples get 0.
/// </summary>
[Op("SoftmaxCrossEntropyGrad", Domain = "axon")]
internal sealed class AxonSoftmaxCrossEntropyGrad : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dLoss = ctx.Input(0).ToDoubles();
        var scores = ctx.Input(1);
        var shape = scores.Shape;
        if (shape.Length < 2)
        {
            throw ctx.Error($"scores must have shape (N, C, ...), got [{string.Join(",", shape)}]");
        }
        int n = shape[0], c = shape[1];
        int inner = AxisRows.Prod(shape, 2, shape.Length);
        var labels = ctx.Input(2).ToInt64s();
        if (labels.Length != n * inner)
        {
            throw ctx.Error($"labels have {labels.Length} elements, scores need {n * inner}");
        }
        var w = ctx.OptionalInput(3)?.ToDoubles();
        bool hasIgnore = ctx.Node.HasAttr("ignore_index");
        long ignore = ctx.Int("ignore_index", 0);
        string reduction = ctx.String("reduction", "mean");
        var prob = scores.ToDoubles();
        AxisRows.AlongAxis(shape, 1).Apply(prob, (row, _) => Softmax(row));
        var sampleWeight = new double[labels.Length];
        double weightSum = 0;
        for (int s = 0; s < labels.Length; s++)
        {
            if (hasIgnore && labels[s] == ignore)
            {
                continue;
            }
            if (labels[s] < 0 || labels[s] >= c)
            {
                throw ctx.Error($"label {labels[s]} is outside [0, {c})");
            }
            sampleWeight[s] = w is null ? 1 : w[labels[s]];
            weightSum += sampleWeight[s];
        }
        var grad = new double[prob.Length];
        for (int s = 0; s < labels.Length; s++)
        {
            double g = reduction switch
            {
                "none" => dLoss[s],
                "sum" => dLoss[0],
                "mean" => weightSum == 0 ? 0 : dLoss[0] / weightSum,
                _ => throw ctx.Error($"reduction must be none, sum or mean, got '{reduction}'"),
            } * sampleWeight[s];
            if (g == 0)
            {
                continue;
            }
            int b = s / inner, j = s % inner;
            for (int k = 0; k < c; k++)
            {
                int i = (b * c + k) * inner + j;
                grad[i] = g * (prob[i] - (k == labels[s] ? 1 : 0));
            }
        }
        return [Tensor.FromDoubles(scores.DType, grad, shape)];
    }

    private static void Softmax(double[] row)
    {
        double max = double.NegativeInfinity;
        foreach (var v in row)
        {
            max = Math.Max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = Math.Exp(row[i] - max);
            sum += row[i];
        }
        for (int i = 0; i < row.Length; i++)
        {
            row[i] /= sum;
        }
    }
}
