using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>What static quantization changes (see <see cref="InsertQdq"/>).</summary>
public sealed record QdqOptions
{
    /// <summary>One weight scale per output channel (Conv axis 0, MatMul axis 1, Gemm axis 0 or 1 by transB).</summary>
    public bool PerChannel { get; init; }

    /// <summary>Activations int8 with zero point 0 instead of uint8 asymmetric.</summary>
    public bool SymmetricActivations { get; init; }

    /// <summary>Node names or output names to keep in FP32.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Largest weight magnitude: 63 (7 bits, the AVX2 fast path) or 127.</summary>
    public int WeightQMax { get; init; } = 63;

    /// <summary>Products of two activations (attention's Q·Kᵀ and P·V) quantized too (ONNX Runtime's default); off keeps them FP32.</summary>
    public bool ActivationProducts { get; init; } = true;

    /// <summary>Products whose reduction length (Conv: C/group·kh·kw; MatMul/Gemm: K) is below this stay FP32: too little work to gain, all of the rounding.</summary>
    public int MinK { get; init; } = 16;
}

/// <summary>
/// Which nodes static quantization rewrites and which activations get a QuantizeLinear/DequantizeLinear pair: every
/// float input of a quantized Conv, MatMul or Gemm that is not a constant weight; and each quantized node's output
/// (taken after a single following Relu or Clip, which the 8-bit range then subsumes) when it reaches another quantized
/// node through ops that only move or select values (MaxPool, Reshape, Flatten, Transpose, ...), together with the
/// tensors along that path. Those path tensors share the quantization of the tensor they come from, so a fusion can
/// run the moving ops on the 8-bit values directly. Graph outputs are never quantized (the model's results stay FP32).
/// Products with a reduction shorter than <see cref="QdqOptions.MinK"/> stay FP32 (as in dynamic quantization).
/// </summary>
internal sealed class QdqPlan
{
    internal static readonly HashSet<string> Passthrough = new(StringComparer.Ordinal)
    {
        "MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze", "Identity",
    };

    /// <summary>A quantized node: its weight input index (−1: none), the weight's channel axis, and its bias input index (−1: none).</summary>
    internal sealed record Target(Node Node, int Weight, int Axis, int Bias);

    public List<Target> Nodes { get; } = [];

    /// <summary>Activations to quantize, in graph order.</summary>
    public List<string> Tensors { get; } = [];

    /// <summary>Path tensor → the tensor whose quantization it shares.</summary>
    public Dictionary<string, string> SharesWith { get; } = new(StringComparer.Ordinal);

    /// <summary>Nodes kept in FP32 by --exclude.</summary>
    public HashSet<Node> Excluded { get; } = [];

    public static QdqPlan Build(Axon.Graph.Graph g, QdqOptions o)
    {
        var ix = new GraphIndex(g);
        var plan = new QdqPlan();
        var exclude = new HashSet<string>(o.Exclude, StringComparer.Ordinal);
        var tensors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var n in g.Nodes)
        {
            if (n.Domain.Length == 0 && n.OpType is "Conv" or "MatMul" or "Gemm" && (exclude.Contains(n.Name) || n.Outputs.Any(exclude.Contains)))
            {
                plan.Excluded.Add(n);
            }
            else if (Match(n, ix, o) is { } t)
            {
                plan.Nodes.Add(t);
                for (int i = 0; i < Math.Min(2, n.Inputs.Count); i++)
                {
                    if (i != t.Weight)
                    {
                        tensors.Add(n.Inputs[i]);
                    }
                }
            }
        }
        var quantized = plan.Nodes.Select(t => t.Node).ToHashSet();
        foreach (var t in plan.Nodes)
        {
            string y = OutputTarget(t.Node, ix);
            if (ix.IsGraphOutput(y) || tensors.Contains(y))
            {
                continue;
            }
            // Follow single-consumer moving ops; keep the path only if it ends at a quantized node.
            var path = new List<string> { y };
            string cur = y;
            bool reaches = false;
            while (!ix.IsGraphOutput(cur) && ix.Consumers(cur) is [var c] && c.Inputs.Count(i => i == cur) == 1)
            {
                if (quantized.Contains(c))
                {
                    reaches = true;
                    break;
                }
                if (c.Domain.Length > 0 || !Passthrough.Contains(c.OpType) || c.Inputs[0] != cur || c.Outputs.Count != 1)
                {
                    break;
                }
                cur = c.Outputs[0];
                path.Add(cur);
            }
            if (!reaches)
            {
                continue;
            }
            foreach (var p in path)
            {
                tensors.Add(p);
                if (p != y)
                {
                    plan.SharesWith[p] = y;
                }
            }
        }
        var order = g.Inputs.Select(i => i.Name).Concat(g.Nodes.SelectMany(n => n.Outputs));
        plan.Tensors.AddRange(order.Where(tensors.Contains).Distinct());
        return plan;
    }

    /// <summary>The node's output, or the output of the Relu/Clip that alone reads it.</summary>
    private static string OutputTarget(Node n, GraphIndex ix)
    {
        string y = n.Outputs[0];
        return !ix.IsGraphOutput(y) && ix.Consumers(y) is [var c] && c.Domain.Length == 0 && c.OpType is "Relu" or "Clip" && c.Inputs[0] == y
            ? c.Outputs[0]
            : y;
    }

    private static Target? Match(Node n, GraphIndex ix, QdqOptions o)
    {
        if (n.Domain.Length > 0 || n.OpType is not ("Conv" or "MatMul" or "Gemm") || n.Inputs.Count < 2 || n.Outputs.Count != 1)
        {
            return null;
        }
        bool Float(string v) => ix.Constant(v)?.DType == DType.Float32 || ix.ElemType(v) == DType.Float32;
        if (!Float(n.Inputs[0]) || ix.Constant(n.Inputs[0]) is not null || !Float(n.Inputs[1]))
        {
            return null;
        }
        var w = ix.Constant(n.Inputs[1]);
        string bias = n.Inputs.Count > 2 ? n.Inputs[2] : "";
        switch (n.OpType)
        {
            case "Conv":
                if (w is null || w.Rank < 3 || w.Shape.Skip(1).Aggregate(1, (a, d) => a * d) < o.MinK)
                {
                    return null;
                }
                return new Target(n, 1, 0, ix.Constant(bias) is { Rank: 1, DType: DType.Float32 } b && b.Length == w.Shape[0] ? 2 : -1);
            case "MatMul":
                // Two activations (attention's products) quantize both; a constant weight must be a matrix.
                if (w is null)
                {
                    return o.ActivationProducts && !(ix.StaticShape(n.Inputs[1]) is { Length: >= 2 } s && s[^2] < o.MinK) ? new Target(n, -1, -1, -1) : null;
                }
                return w.Rank == 2 && w.Shape[0] >= o.MinK ? new Target(n, 1, 1, -1) : null;
            default:
                int axis = n.GetInt("transB", 0) != 0 ? 0 : 1;
                if (w is not { Rank: 2 } || w.Shape[1 - axis] < o.MinK)
                {
                    return null;
                }
                bool biasOk = n.GetFloat("beta", 1f) == 1f && ix.Constant(bias) is { Rank: 1, DType: DType.Float32 } c && c.Length == w.Shape[axis];
                return new Target(n, 1, axis, biasOk ? 2 : -1);
        }
    }
}
