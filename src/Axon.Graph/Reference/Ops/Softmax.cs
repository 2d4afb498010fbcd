namespace Axon.Graph.Reference.Ops;

/// <summary>Softmax: exp(x - max) / sum, along one axis (opset 13+) or over the coerced 2-D rows (older opsets).</summary>
[Op("Softmax")]
internal sealed class Softmax : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var d = x.ToDoubles();
        AxisRows.ForSoftmax(ctx, x.Shape).Apply(d, (row, _) => InPlace(row));
        return [Tensor.FromDoubles(x.DType, d, x.Shape)];
    }

    /// <summary>Softmax of one row in place; subtracting the max keeps exp from overflowing.</summary>
    internal static void InPlace(Span<double> row)
    {
        double max = double.NegativeInfinity;
        foreach (double v in row)
        {
            max = Math.Max(max, v);
        }
        double sum = 0;
        for (int k = 0; k < row.Length; k++)
        {
            row[k] = Math.Exp(row[k] - max);
            sum += row[k];
        }
        for (int k = 0; k < row.Length; k++)
        {
            row[k] /= sum;
        }
    }
}
