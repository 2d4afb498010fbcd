namespace Axon.Graph.Reference.Ops;

/// <summary>
/// LSTM with gates i, o, f, c in that order in W, R and B; peepholes P in order i, o, f. With input_forget the input
/// gate is coupled to the forget gate (i = 1 - f).
/// </summary>
[Op("LSTM")]
internal sealed class LSTM : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var p = Recurrent.Parse(ctx, 4, "Sigmoid", "Tanh", "Tanh");
        bool inputForget = ctx.Int("input_forget", 0) != 0;
        int hs = p.Hidden;
        var peep = ctx.OptionalInput(7);
        if (peep is not null && (peep.Rank != 2 || peep.Shape[0] != p.Dirs || peep.Shape[1] != 3 * hs))
        {
            throw ctx.Error($"P is {peep}, expected [{p.Dirs},{3 * hs}]");
        }
        var pv = peep?.ToDoubles() ?? new double[p.Dirs * 3 * hs];
        var y = new double[p.Seq * p.Dirs * p.Batch * hs];
        var h = p.State(5, "initial_h");
        var c = p.State(6, "initial_c");
        var nextH = new double[hs];
        var nextC = new double[hs];
        for (int d = 0; d < p.Dirs; d++)
        {
            var f = p.Act(d, 0);
            var g = p.Act(d, 1);
            var hAct = p.Act(d, 2);
            int po = d * 3 * hs;
            for (int b = 0; b < p.Batch; b++)
            {
                int ho = (d * p.Batch + b) * hs;
                int len = p.Lens[b];
                for (int step = 0; step < len; step++)
                {
                    int t = p.Reversed(d) ? len - 1 - step : step;
                    for (int j = 0; j < hs; j++)
                    {
                        double cPrev = c[ho + j];
                        double ft = f(p.Clamp(p.XW(d, 2, j, t, b) + p.HR(d, 2, j, h, ho) + pv[po + 2 * hs + j] * cPrev));
                        double it = inputForget
                            ? 1 - ft
                            : f(p.Clamp(p.XW(d, 0, j, t, b) + p.HR(d, 0, j, h, ho) + pv[po + j] * cPrev));
                        double ct = g(p.Clamp(p.XW(d, 3, j, t, b) + p.HR(d, 3, j, h, ho)));
                        double cNew = ft * cPrev + it * ct;
                        double ot = f(p.Clamp(p.XW(d, 1, j, t, b) + p.HR(d, 1, j, h, ho) + pv[po + hs + j] * cNew));
                        nextC[j] = cNew;
                        nextH[j] = ot * hAct(cNew);
                    }
                    Array.Copy(nextH, 0, h, ho, hs);
                    Array.Copy(nextC, 0, c, ho, hs);
                    Array.Copy(nextH, 0, y, ((t * p.Dirs + d) * p.Batch + b) * hs, hs);
                }
            }
        }
        return p.Outputs(y, h, c);
    }
}
