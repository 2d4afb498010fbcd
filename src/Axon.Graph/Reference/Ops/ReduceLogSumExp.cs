namespace Axon.Graph.Reference.Ops;

/// <summary>
/// ReduceLogSumExp: log(sum(exp(x))). Computed as max + log(sum(exp(x - max))) so large inputs do not overflow; an empty
/// group gives -inf.
/// </summary>
[Op("ReduceLogSumExp")]
internal sealed class ReduceLogSumExp : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [Reduction.Run(ctx, LogSumExp, null)];

    private static double[] LogSumExp(Reduction r, double[] x)
    {
        var max = r.FoldDouble(x, double.NegativeInfinity, Math.Max);
        var sum = new double[r.OutLength];
        for (int i = 0; i < x.Length; i++)
        {
            double m = max[r.OutIndex[i]];
            // An all -inf (or +inf) group has no finite shift; fall back to the plain formula there.
            sum[r.OutIndex[i]] += double.IsFinite(m) ? Math.Exp(x[i] - m) : Math.Exp(x[i]);
        }
        for (int o = 0; o < sum.Length; o++)
        {
            sum[o] = double.IsFinite(max[o]) ? max[o] + Math.Log(sum[o]) : Math.Log(sum[o]);
        }
        return sum;
    }
}
