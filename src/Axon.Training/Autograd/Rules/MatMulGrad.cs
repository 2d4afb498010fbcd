using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// MatMul Y = A·B (NumPy batching): dA = dY·Bᵀ, dB = Aᵀ·dY, each summed over the batch dims it was broadcast along.
/// 2-D operands use Gemm with a transpose flag so the fast GEMM reads the transposed operand while packing.
/// </summary>
[GradFor("MatMul")]
internal sealed class MatMulGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy)
        {
            return;
        }
        string a = ctx.Input(0), b = ctx.Input(1), y = ctx.Output(0);
        int ra = ctx.RankOrFail(a), rb = ctx.RankOrFail(b);
        if (ra < 2 || rb < 2)
        {
            throw ctx.Fail("1-D MatMul operands are not supported by autograd (unsqueeze them to 2-D)");
        }
        if (ra == 2 && rb == 2)
        {
            if (ctx.Needs(0))
            {
                ctx.AddGrad(0, ctx.Emit("Gemm", [dy, b], "matmul_da", Attr.Of("transB", 1L)));
            }
            if (ctx.Needs(1))
            {
                ctx.AddGrad(1, ctx.Emit("Gemm", [a, dy], "matmul_db", Attr.Of("transA", 1L)));
            }
            return;
        }
        int ry = ctx.RankOrFail(y);
        if (ctx.Needs(0))
        {
            var da = ctx.Emit("MatMul", [dy, SwapLast(ctx, b, rb)], "matmul_da");
            ctx.AddGrad(0, SameBatch(ctx, a, ra, y, ry) ? da : ctx.EmitAxon("ReduceSumTo", [da, a], "matmul_da_sum"));
        }
        if (ctx.Needs(1))
        {
            var db = ctx.Emit("MatMul", [SwapLast(ctx, a, ra), dy], "matmul_db");
            ctx.AddGrad(1, SameBatch(ctx, b, rb, y, ry) ? db : ctx.EmitAxon("ReduceSumTo", [db, b], "matmul_db_sum"));
        }
    }

    private static string SwapLast(GradContext ctx, string x, int rank)
    {
        var perm = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        (perm[^1], perm[^2]) = (perm[^2], perm[^1]);
        return ctx.Emit("Transpose", [x], "matmul_t", Attr.Of("perm", perm));
    }

    /// <summary>True when the operand already has the output's batch dims (no broadcast to undo).</summary>
    private static bool SameBatch(GradContext ctx, string x, int rx, string y, int ry)
    {
        if (rx != ry)
        {
            return false;
        }
        var xs = ctx.Type(x).Shape;
        var ys = ctx.Type(y).Shape;
        for (int d = 0; d < rx - 2; d++)
        {
            if (!xs[d].Equals(ys[d]))
            {
                return false;
            }
        }
        return true;
    }
}
