using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// Gemm Y = alpha·op(A)·op(B) + beta·C: dA and dB are Gemms of dY with the other operand (transpose flags chosen so
/// no explicit Transpose is needed), dC = beta·dY summed down to C's broadcast shape.
/// </summary>
[GradFor("Gemm")]
internal sealed class GemmGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy)
        {
            return;
        }
        bool ta = ctx.Node.GetInt("transA", 0) != 0;
        bool tb = ctx.Node.GetInt("transB", 0) != 0;
        float alpha = ctx.Node.GetFloat("alpha", 1f);
        float beta = ctx.Node.GetFloat("beta", 1f);
        string a = ctx.Input(0), b = ctx.Input(1);
        if (ctx.Needs(0))
        {
            ctx.AddGrad(0, ta
                ? Gemm(ctx, b, dy, tb, true, alpha, "gemm_da")
                : Gemm(ctx, dy, b, false, !tb, alpha, "gemm_da"));
        }
        if (ctx.Needs(1))
        {
            ctx.AddGrad(1, tb
                ? Gemm(ctx, dy, a, true, ta, alpha, "gemm_db")
                : Gemm(ctx, a, dy, !ta, false, alpha, "gemm_db"));
        }
        if (ctx.Needs(2))
        {
            var dc = beta == 1f ? dy : ctx.Emit("Mul", [dy, ctx.Scalar(beta, ctx.ElemType(dy == "" ? a : a))], "gemm_dc");
            ctx.AddGrad(2, ctx.SumTo(dc, ctx.Input(2), ctx.Output(0)));
        }
    }

    private static string Gemm(GradContext ctx, string x, string y, bool tx, bool ty, float alpha, string hint)
    {
        var attrs = new List<Attr>();
        if (tx)
        {
            attrs.Add(Attr.Of("transA", 1L));
        }
        if (ty)
        {
            attrs.Add(Attr.Of("transB", 1L));
        }
        if (alpha != 1f)
        {
            attrs.Add(Attr.Of("alpha", alpha));
        }
        return ctx.Emit("Gemm", [x, y], hint, attrs.ToArray());
    }
}
