namespace Axon.Graph.Reference.Ops;

/// <summary>
/// GRU with gates z (update), r (reset), h (hidden) in that order in W, R and B. With linear_before_reset the reset
/// gate scales (Ht-1·Rhᵀ + Rbh) instead of Ht-1.
/// </summary>
[Op("GRU")]
internal sealed class GRU : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var p = Recurrent.Parse(ctx, 3, "Sigmoid", "Tanh");
        bool linearBeforeReset = ctx.Int("linear_before_reset", 0) != 0;
        int hs = p.Hidden;
        var y = new double[p.Seq * p.Dirs * p.Batch * hs];
        var h = p.State(5, "initial_h");
        var next = new double[hs];
        var r = new double[hs];
        var rh = new double[hs];
        for (int d = 0; d < p.Dirs; d++)
        {
            var f = p.Act(d, 0);
            var g = p.Act(d, 1);
            for (int b = 0; b < p.Batch; b++)
            {
                int ho = (d * p.Batch + b) * hs;
                int len = p.Lens[b];
                for (int step = 0; step < len; step++)
                {
                    int t = p.Reversed(d) ? len - 1 - step : step;
                    for (int j = 0; j < hs; j++)
                    {
                        r[j] = f(p.Clamp(p.XW(d, 1, j, t, b) + p.HR(d, 1, j, h, ho)));
                        rh[j] = r[j] * h[ho + j];
                    }
                    for (int j = 0; j < hs; j++)
                    {
                        double z = f(p.Clamp(p.XW(d, 0, j, t, b) + p.HR(d, 0, j, h, ho)));
                        double pre = linearBeforeReset
                            ? p.XW(d, 2, j, t, b) + r[j] * p.HR(d, 2, j, h, ho)
                            : p.XW(d, 2, j, t, b) + p.HR(d, 2, j, rh, 0);
                        double hh = g(p.Clamp(pre));
                        next[j] = (1 - z) * hh + z * h[ho + j];
                    }
                    Array.Copy(next, 0, h, ho, hs);
                    Array.Copy(next, 0, y, ((t * p.Dirs + d) * p.Batch + b) * hs, hs);
                }
            }
        }
        return p.Outputs(y, h);
    }
}
