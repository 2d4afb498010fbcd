namespace Axon.Graph.Reference.Ops;

/// <summary>
/// One SGD-with-momentum step: G' = norm·X + G; V' = αV + (T &gt; 0 ? β : 1)·G'; X' = X - R·V' (standard) or
/// X' = X - R·(G' + αV') (nesterov).
/// </summary>
[Op("Momentum", Domain = "ai.onnx.preview.training")]
internal sealed class Momentum : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        double alpha = ctx.Float("alpha", 0);
        double beta = ctx.Float("beta", 0);
        double norm = ctx.Float("norm_coefficient", 0);
        string mode = ctx.String("mode", "standard");
        if (mode is not ("standard" or "nesterov"))
        {
            throw ctx.Error($"mode '{mode}' is not standard or nesterov");
        }
        return Training.Run(ctx, 3, 2, (r, t, ins, outs) =>
        {
            double b = t > 0 ? beta : 1;
            var (x, g, v) = (ins[0], ins[1], ins[2]);
            for (int i = 0; i < x.Length; i++)
            {
                double gr = norm * x[i] + g[i];
                double vn = alpha * v[i] + b * gr;
                outs[1][i] = vn;
                outs[0][i] = mode == "nesterov" ? x[i] - r * (gr + alpha * vn) : x[i] - r * vn;
            }
        });
    }
}
