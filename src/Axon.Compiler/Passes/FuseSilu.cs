using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>Fuses <c>x · Sigmoid(x)</c> into Swish (opset ≥ 24, alpha 1) or axon:Silu.</summary>
public sealed class FuseSilu : PassBase
{
    public override string Name => "fuse-silu";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node?>();
        foreach (var root in graph.Nodes)
        {
            if (root.OpType != "Mul" || root.Domain.Length != 0 || root.Inputs.Count != 2)
            {
                continue;
            }
            context.CurrentNode = root;
            for (int k = 0; k < 2; k++)
            {
                string s = root.Inputs[k], x = root.Inputs[1 - k];
                if (index.Producer(s, "Sigmoid") is { } sig && sig.Inputs[0] == x && index.SingleUse(s))
                {
                    replace[root] = context.Opset() >= 24
                        ? new Node("Swish", [x], [root.Outputs[0]], root.Name)
                        : Rewrite.Fused("Silu", [x], [root.Outputs[0]], root.Name);
                    context.Count(Name, "fused");
                    break;
                }
            }
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace);
    }
}
