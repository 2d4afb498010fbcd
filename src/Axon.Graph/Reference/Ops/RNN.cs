namespace Axon.Graph.Reference.Ops;

/// <summary>Simple RNN: Ht = f(Xt·Wᵀ + Ht-1·Rᵀ + Wb + Rb), f defaulting to Tanh.</summary>
[Op("RNN")]
internal sealed class RNN : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var p = Recurrent.Parse(ctx, 1, "Tanh");
        int hs = p.Hidden;
        var y = new double[p.Seq * p.Dirs * p.Batch * hs];
        var h = p.State(5, "initial_h");
        var next = new double[hs];
        for (int d = 0; d < p.Dirs; d++)
        {
            var f = p.Act(d, 0);
            for (int b = 0; b < p.Batch; b++)
            {
                int ho = (d * p.Batch + b) * hs;
                int len = p.Lens[b];
                for (int step = 0; step < len; step++)
                {
                    int t = p.Reversed(d) ? len - 1 - step : step;
                    for (int j = 0; j < hs; j++)
                    {
                        next[j] = f(p.Clamp(p.XW(d, 0, j, t, b) + p.HR(d, 0, j, h, ho)));
                    }
                    Array.Copy(next, 0, h, ho, hs);
                    Array.Copy(next, 0, y, ((t * p.Dirs + d) * p.Batch + b) * hs, hs);
                }
            }
        }
        return p.Outputs(y, h);
    }
}
