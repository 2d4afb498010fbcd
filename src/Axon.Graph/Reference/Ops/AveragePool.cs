namespace Axon.Graph.Reference.Ops;

/// <summary>
/// N-d average pooling. count_include_pad divides by the window positions inside the padded input (positions that
/// ceil_mode adds beyond the end padding never count); otherwise by the in-bounds positions only.
/// </summary>
[Op("AveragePool")]
internal sealed class AveragePool : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        bool includePad = ctx.Int("count_include_pad", 0) != 0;
        var r = Pooling.Run(ctx, xt, (double[] x, int xBase, int[] inOff, int count, int padded, out int arg) =>
        {
            arg = -1;
            double s = 0;
            for (int j = 0; j < count; j++)
            {
                s += x[xBase + inOff[j]];
            }
            int div = includePad ? padded : count;
            return div == 0 ? double.NaN : s / div;
        });
        return [Tensor.FromDoubles(xt.DType, r.Y, r.Shape)];
    }
}
