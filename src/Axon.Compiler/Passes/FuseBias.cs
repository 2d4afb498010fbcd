using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Folds a constant bias add into the matrix product before it: MatMul(A, W) + b → axon:FusedMatMul(A, W, b) and
/// Gemm(A, B) + b → Gemm(A, B, b) with beta 1, where b is a 1-D constant over the output's last axis.
/// </summary>
public sealed class FuseBias : PassBase
{
    public override string Name => "fuse-bias";

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
                string y = add.Inputs[k], b = add.Inputs[1 - k];
                if (index.Constant(b) is not { Rank: 1 } bias || !index.SingleUse(y) || index.Producer(y) is not { Domain: "" } p || replace.ContainsKey(p))
                {
                    continue;
                }
                if (p.OpType == "MatMul" && index.StaticShape(p.Inputs[1]) is [_, int n] && bias.Length == n)
                {
                    replace[p] = null;
                    replace[add] = Rewrite.Fused("FusedMatMul", [p.Inputs[0], p.Inputs[1], b], [add.Outputs[0]], p.Name);
                    context.Count(Name, "matmul-bias");
                    break;
                }
                if (p.OpType == "Gemm" && (p.Inputs.Count < 3 || p.Inputs[2].Length == 0) && index.StaticShape(p.Inputs[1]) is [int r, int c]
                    && bias.Length == (p.GetInt("transB", 0) != 0 ? r : c))
                {
                    var g = p.With(inputs: [p.Inputs[0], p.Inputs[1], b], outputs: [add.Outputs[0]]);
                    g.SetAttr(Attr.Of("beta", 1f));
                    replace[p] = null;
                    replace[add] = g;
                    context.Count(Name, "gemm-bias");
                    break;
                }
            }
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace);
    }
}
