using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// QuantizeLinear(DequantizeLinear(q, s, z), s', z') with the same scale and zero point values (per tensor) and the same
/// 8-bit type is q itself: dequantizing then requantizing with the same parameters returns every 8-bit value unchanged
/// (|q - z|·s / s rounds back to q - z exactly). The pair becomes Identity(q); tools leave such pairs where they dropped
/// the op between them.
/// </summary>
public sealed class FoldQdqPairs : PassBase
{
    public override string Name => "fold-qdq-pairs";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var ix = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node?>();
        foreach (var qn in graph.Nodes)
        {
            if (QdqPattern.Quantizer(qn, ix) is not { } q || q.ScaleValue.Length != 1 || q.Type is not (DType.UInt8 or DType.Int8)
                || QdqPattern.Dequantized(qn.Inputs[0], ix) is not { } dq || dq.Type != q.Type || dq.ScaleValue.Length != 1
                || dq.Scales[0] != q.Scales[0] || QdqPattern.Zero(dq, ix) != QdqPattern.Zero(q, ix))
            {
                continue;
            }
            context.CurrentNode = qn;
            replace[qn] = new Node("Identity", [dq.Q], qn.Outputs, qn.Name);
            context.Count(Name, "pairs");
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace);
    }
}
