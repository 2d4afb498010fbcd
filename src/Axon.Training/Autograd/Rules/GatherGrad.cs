using Axon.Graph;

namespace Axon.Training;

/// <summary>Gather (embedding lookup): dData = scatter-add of dY at the gathered indices (axon:GatherGrad).</summary>
[GradFor("Gather")]
internal sealed class GatherGradRule : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is { } dy && ctx.Needs(0))
        {
            ctx.AddGrad(0, ctx.EmitAxon("GatherGrad", [dy, ctx.Input(1), ctx.Input(0)], "gather_dx", Attr.Of("axis", ctx.Node.GetInt("axis", 0))));
        }
    }
}
