namespace Axon.Graph.Reference.Ops;

/// <summary>LogSoftmax: x - max - log(sum(exp(x - max))), along one axis (opset 13+) or over coerced 2-D rows (older opsets).</summary>
[Op("LogSoftmax")]
internal sealed class LogSoftmax : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var d = x.ToDoubles();
        AxisRows.ForSoftmax(ctx, x.Shape).Apply(d, (row, _) => InPlace(row));
        return [Tensor.FromDoubles(x.DType, d, x.Shape)];
    }

    internal static void InPlace(Span<double> row)
    {
        double max = double.NegativeInfinity;
        foreach (double v in row)
        {
            max = Math.Max(max, v);
        }
        double sum = 0;
        foreach (double v in row)
        {
            sum += Math.Exp(v - max);
        }
        double lse = max + Math.Log(sum);
        for (int k = 0; k < row.Length; k++)
        {
            row[k] -= lse;
        }
    }
}
