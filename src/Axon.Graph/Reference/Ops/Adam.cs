namespace Axon.Graph.Reference.Ops;

/// <summary>
/// One Adam step: G' = norm·X + G; V' = αV + (1-α)G'; H' = βH + (1-β)G'²; R' = T &gt; 0 ? R·√(1-β^T)/(1-α^T) : R;
/// X' = (1 - norm_post)·(X - R'·V'/(√H' + ε)).
/// </summary>
[Op("Adam", Domain = "ai.onnx.preview.training")]
internal sealed class Adam : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        double alpha = ctx.Float("alpha", 0.9f);
        double beta = ctx.Float("beta", 0.999f);
        double eps = ctx.Float("epsilon", 0);
        double norm = ctx.Float("norm_coefficient", 0);
        double normPost = ctx.Float("norm_coefficient_post", 0);
        return Training.Run(ctx, 4, 3, (r, t, ins, outs) =>
        {
            double rate = t > 0 ? r * Math.Sqrt(1 - Math.Pow(beta, t)) / (1 - Math.Pow(alpha, t)) : r;
            var (x, g, v, h) = (ins[0], ins[1], ins[2], ins[3]);
            for (int i = 0; i < x.Length; i++)
            {
                double gr = norm * x[i] + g[i];
                double vn = alpha * v[i] + (1 - alpha) * gr;
                double hn = beta * h[i] + (1 - beta) * gr * gr;
                outs[1][i] = vn;
                outs[2][i] = hn;
                outs[0][i] = (1 - normPost) * (x[i] - rate * vn / (Math.Sqrt(hn) + eps));
            }
        });
    }
}
