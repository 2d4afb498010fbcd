using Axon.Graph;

namespace Axon.Training;

/// <summary>
/// MaxPool: dY goes to each window's maximum (axon:MaxPoolGrad, which recomputes the choice from X). AveragePool and
/// GlobalAveragePool: dY is spread evenly over each window (axon:AveragePoolGrad).
/// </summary>
[GradFor("MaxPool")]
[GradFor("AveragePool")]
[GradFor("GlobalAveragePool")]
internal sealed class PoolGrad : IGradRule
{
    public void Backward(GradContext ctx)
    {
        if (ctx.OutGrad(0) is not { } dy || !ctx.Needs(0))
        {
            return;
        }
        string x = ctx.Input(0);
        var attrs = ctx.Node.Attributes.Values.ToList();
        string op = ctx.Node.OpType == "MaxPool" ? "MaxPoolGrad" : "AveragePoolGrad";
        if (ctx.Node.OpType == "GlobalAveragePool")
        {
            attrs = [Attr.Of("global", 1L)];
        }
        if (op == "MaxPoolGrad" && ctx.Node.GetInt("storage_order", 0) != 0)
        {
            attrs.RemoveAll(a => a.Name == "storage_order");
        }
        ctx.AddGrad(0, ctx.EmitAxon(op, [dy, x], "pool_dx", attrs.ToArray()));
    }
}
