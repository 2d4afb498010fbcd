using Axon.Graph;
using Axon.Graph.Reference;

namespace Axon.Compiler.Passes;

/// <summary>
/// Evaluates nodes whose inputs are all constants with the reference executor and turns their outputs into initializers
/// (Constant nodes included). Random ops are never folded, nor results that would blow a small model up into a huge one.
/// </summary>
public sealed class ConstantFolding : PassBase
{
    /// <summary>Outputs above this many elements are only folded when they are no bigger than the inputs (Expand, Tile, ConstantOfShape stay lazy).</summary>
    public const int MaxGrowthElements = 1 << 16;

    private static readonly HashSet<string> NeverFold = new(StringComparer.Ordinal)
    {
        "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout",
    };

    public override string Name => "constant-fold";

    /// <summary>
    /// Fold DequantizeLinear of constants too. Off in the cleanup passes, as ONNX Runtime does, so the QDQ fusions
    /// (Quantization/QuantizedModelPasses) still see the int8 weights; they fold the leftovers afterwards.
    /// </summary>
    public bool FoldDequantize { get; init; }

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var inputs = new HashSet<string>(graph.Inputs.Select(i => i.Name), StringComparer.Ordinal);
        var known = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var kv in graph.Initializers)
        {
            if (!inputs.Contains(kv.Key))
            {
                known[kv.Key] = kv.Value;
            }
        }
        var folded = new Dictionary<Node, Node?>();
        var newInits = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes)
        {
            context.CurrentNode = n;
            if (!CanFold(n, known) || !FoldDequantize && n.OpType == "DequantizeLinear" && n.Domain.Length == 0)
            {
                continue;
            }
            var outs = Evaluate(n, known, context);
            if (outs is null)
            {
                continue;
            }
            for (int i = 0; i < n.Outputs.Count; i++)
            {
                if (n.Outputs[i].Length > 0)
                {
                    known[n.Outputs[i]] = outs[i];
                    newInits[n.Outputs[i]] = outs[i];
                }
            }
            folded[n] = null;
            context.Count(Name, n.OpType == "Constant" ? "constants-materialized" : "nodes-folded");
        }
        context.CurrentNode = null;
        return folded.Count == 0 ? graph : Rewrite.Apply(graph, folded, newInits);
    }

    private static bool CanFold(Node n, Dictionary<string, Tensor> known)
    {
        if (NeverFold.Contains(n.OpType) || n.Subgraphs().Any() || OpRegistry.Find(n.Domain, n.OpType) is null)
        {
            return false;
        }
        if (n.Inputs.Count == 0)
        {
            return n.OpType == "Constant" && n.Domain.Length == 0;
        }
        return n.Inputs.All(i => i.Length == 0 || known.ContainsKey(i));
    }

    /// <summary>Runs the node alone; null when it fails (left for run time to report), yields a non-tensor, or grows too much.</summary>
    private static Tensor[]? Evaluate(Node n, Dictionary<string, Tensor> known, PassContext context)
    {
        var g = new Axon.Graph.Graph { Name = "fold" };
        foreach (var i in n.Inputs.Where(i => i.Length > 0).Distinct())
        {
            g.Initializers[i] = known[i];
        }
        g.Nodes.Add(n);
        foreach (var o in n.Outputs.Where(o => o.Length > 0))
        {
            g.Outputs.Add(new ValueInfo(o, TypeInfo.Unknown));
        }
        var m = new Model(g);
        m.OpsetImports.Clear();
        foreach (var kv in context.OpsetImports)
        {
            m.OpsetImports[kv.Key] = kv.Value;
        }
        IReadOnlyList<KeyValuePair<string, IValue?>> results;
        try
        {
            results = new ReferenceExecutor(m).Run(new Dictionary<string, IValue?>());
        }
        catch (AxonException)
        {
            return null;
        }
        long inputElems = n.Inputs.Where(i => i.Length > 0).Sum(i => (long)known[i].Length);
        var outs = new Tensor[n.Outputs.Count];
        int k = 0;
        for (int i = 0; i < n.Outputs.Count; i++)
        {
            if (n.Outputs[i].Length == 0)
            {
                continue;
            }
            if (results[k++].Value is not Tensor t || (t.Length > MaxGrowthElements && t.Length > inputElems))
            {
                return null;
            }
            outs[i] = t;
        }
        return outs;
    }
}
