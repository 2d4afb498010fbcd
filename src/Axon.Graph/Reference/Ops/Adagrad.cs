namespace Axon.Graph.Reference.Ops;

/// <summary>One Adagrad step: r = R/(1 + T·decay); G' = norm·X + G; H' = H + G'²; X' = X - r·G'/(√H' + ε).</summary>
[Op("Adagrad", Domain = "ai.onnx.preview.training")]
internal sealed class Adagrad : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        double decay = ctx.Float("decay_factor", 0);
        double eps = ctx.Float("epsilon", 0);
        double norm = ctx.Float("norm_coefficient", 0);
        return Training.Run(ctx, 3, 2, (r, t, ins, outs) =>
        {
            double rate = r / (1 + t * decay);
            var (x, g, h) = (ins[0], ins[1], ins[2]);
            for (int i = 0; i < x.Length; i++)
            {
                double gr = norm * x[i] + g[i];
                double hn = h[i] + gr * gr;
                outs[1][i] = hn;
                outs[0][i] = x[i] - rate * gr / (Math.Sqrt(hn) + eps);
            }
        });
    }
}
