using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Fuses Add(Op(..), r) into Op's epilogue as its residual input Z (Op = Conv, MatMul, Gemm or their fused forms without
/// a residual or activation yet). Runs before activation fusion: the fused op computes act(op + Z), the ResNet and
/// transformer order Relu(Add(Conv(x), shortcut)).
/// </summary>
public sealed class FuseResidualAdd : PassBase
{
    public override string Name => "fuse-residual";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node?>();
        foreach (var add in graph.Nodes)
        {
            if (add.OpType != "Add" || add.Domain.Length != 0 || add.Inputs.Count != 2)
            {
                continue;
            }
            context.CurrentNode = add;
            for (int k = 0; k < 2; k++)
            {
                string y = add.Inputs[k], r = add.Inputs[1 - k];
                if (index.Producer(y) is not { } p || !EpilogueTargets.IsTarget(p) || EpilogueTargets.HasActivation(p)
                    || EpilogueTargets.HasResidual(p) || !index.SingleUse(y) || replace.ContainsKey(p) || r.Length == 0)
                {
                    continue;
                }
                replace[p] = null;
                replace[add] = EpilogueTargets.ToFused(p, add.Outputs[0], r);
                context.Count(Name, "fused");
                break;
            }
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace);
    }
}
