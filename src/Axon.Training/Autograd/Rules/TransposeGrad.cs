using Axon.Graph;

namespace Axon.Training;

/// <summary>Transpose by perm: dX = Transpose(dY, inverse(perm)) (default perm reverses the axes and is its own inverse).</summary>
[GradFor("Transpose")]
internal sealed class TransposeGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy || !ctx.Needs(0))
        {
            return;
        }
        var perm = ctx.Node.GetInts("perm");
        if (perm is null)
        {
            ctx.AddGrad(0, ctx.Emit("Transpose", [dy], "transpose_dx"));
            return;
        }
        var inv = new long[perm.Length];
        for (int i = 0; i < perm.Length; i++)
        {
            inv[perm[i]] = i;
        }
        ctx.AddGrad(0, ctx.Emit("Transpose", [dy], "transpose_dx", Attr.Of("perm", inv)));
    }
}
