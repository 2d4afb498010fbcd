namespace Axon.Graph.Reference.Ops;

/// <summary>Runs then_branch or else_branch; branch outputs (tensors, sequences or optionals) become the node's outputs.</summary>
[Op("If")]
internal sealed class If : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var cond = ctx.Input(0);
        if (cond.Length != 1)
        {
            throw ctx.Error($"cond must hold exactly one element, got {cond}");
        }
        bool take = cond.ToDoubles()[0] != 0;
        var branch = ctx.Node.GetGraph(take ? "then_branch" : "else_branch")
            ?? throw ctx.Error($"missing {(take ? "then_branch" : "else_branch")} attribute");
        var outs = ctx.RunSubgraph(branch, []);
        if (outs.Length < ctx.OutputCount)
        {
            throw ctx.Error($"branch '{branch.Name}' yields {outs.Length} outputs, the node has {ctx.OutputCount}");
        }
        return outs;
    }
}
