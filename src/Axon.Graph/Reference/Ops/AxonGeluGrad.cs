namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:GeluGrad(dY, X) {approximate = "none" | "tanh"}: dX = dY·Gelu'(X). Exact: Φ(x) + x·φ(x). Tanh form:
/// 0.5(1 + t) + 0.5x(1 - t²)·√(2/π)(1 + 3·0.044715x²), t = tanh(√(2/π)(x + 0.044715x³)).
/// </summary>
[Op("GeluGrad", Domain = "axon")]
internal sealed class AxonGeluGrad : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dy = ctx.Input(0);
        var x = ctx.Input(1);
        if (dy.Length != x.Length)
        {
            throw ctx.Error($"dY [{string.Join(",", dy.Shape)}] and X [{string.Join(",", x.Shape)}] must have the same shape");
        }
        bool tanh = ctx.String("approximate", "none") == "tanh";
        var g = dy.ToDoubles();
        var xv = x.ToDoubles();
        double c = Math.Sqrt(2 / Math.PI);
        for (int i = 0; i < g.Length; i++)
        {
            double v = xv[i];
            double d;
            if (tanh)
            {
                double t = Math.Tanh(c * (v + 0.044715 * v * v * v));
                d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v);
            }
            else
            {
                d = 0.5 * (1 + MathKernels.Erf(v / Math.Sqrt(2))) + v * Math.Exp(-0.5 * v * v) / Math.Sqrt(2 * Math.PI);
            }
            g[i] *= d;
        }
        return [Tensor.FromDoubles(x.DType, g, x.Shape)];
    }
}
