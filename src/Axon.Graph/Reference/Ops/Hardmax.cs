namespace Axon.Graph.Reference.Ops;

/// <summary>Hardmax: 1 at the first maximum of each row, 0 elsewhere (rows as for Softmax: one axis from opset 13, coerced 2-D before).</summary>
[Op("Hardmax")]
internal sealed class Hardmax : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var d = x.ToDoubles();
        AxisRows.ForSoftmax(ctx, x.Shape).Apply(d, (row, _) =>
        {
            int best = 0;
            for (int k = 1; k < row.Length; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }
            Array.Clear(row);
            if (row.Length > 0)
            {
                row[best] = 1;
            }
        });
        return [Tensor.FromDoubles(x.DType, d, x.Shape)];
    }
}
