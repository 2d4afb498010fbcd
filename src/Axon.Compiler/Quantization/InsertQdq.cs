using Axon.Compiler.Passes;
using Axon.Compiler.Quantization.Calibration;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// Static INT8 quantization expressed in standard ONNX, the QDQ form ONNX Runtime uses (so the result can be saved,
/// loaded by other engines, or fused into INT8 kernels by Axon's own passes):
/// <code>
/// x ─► QuantizeLinear(x_scale, x_zp) ─► DequantizeLinear ─┐
/// W_int8 ─► DequantizeLinear(w_scale[axis], 0) ───────────┼─► Conv / MatMul / Gemm ─► [Relu] ─► QuantizeLinear(y_scale, y_zp) ─► DequantizeLinear ─► ...
/// b_int32 ─► DequantizeLinear(x_scale·w_scale, 0) ─────────┘
/// </code>
/// Which nodes and activations are rewritten is <see cref="QdqPlan"/>'s choice; the activation ranges come from
/// calibration (<see cref="TensorsToCalibrate"/> lists what to measure). The quantized nodes (and the moving ops on a
/// path between two of them) read the dequantized value; every other reader, excluded nodes included, keeps the FP32
/// original.
/// A node whose activation has no range is left in FP32. Works on the standard-ONNX graph before the optimizer's
/// fusions; the result is standard ONNX (opset 13 or later: per-axis DequantizeLinear).
/// </summary>
public sealed class InsertQdq : PassBase
{
    private readonly IReadOnlyDictionary<string, TensorRange> _ranges;
    private readonly QdqOptions _options;

    public InsertQdq(IReadOnlyDictionary<string, TensorRange> ranges, QdqOptions options)
    {
        _ranges = ranges;
        _options = options;
    }

    public override string Name => "insert-qdq";

    /// <summary>The activations whose ranges calibration must measure for this graph and these options.</summary>
    public static IReadOnlyList<string> TensorsToCalibrate(Axon.Graph.Graph g, QdqOptions options)
    {
        var plan = QdqPlan.Build(g, options);
        return plan.Tensors.Where(t => !plan.SharesWith.ContainsKey(t)).ToList();
    }

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var plan = QdqPlan.Build(graph, _options);
        if (plan.Nodes.Count == 0)
        {
            return graph;
        }
        var ix = new GraphIndex(graph);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        string Fresh(string stem) => Rewrite.FreshName(graph, stem, taken);
        var inits = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        bool sym = _options.SymmetricActivations;

        // Activation quantization: scale and zero point per tensor (path tensors share their source's).
        var qp = new Dictionary<string, (string Scale, string Zp, float ScaleValue)>(StringComparer.Ordinal);
        foreach (var t in plan.Tensors)
        {
            string src = plan.SharesWith.GetValueOrDefault(t, t);
            if (qp.TryGetValue(src, out var shared))
            {
                qp[t] = shared;
                continue;
            }
            if (!_ranges.TryGetValue(src, out var range))
            {
                continue;
            }
            var (scale, zp) = QuantParams.Activation(range, sym);
            string sName = Fresh(src + "_scale"), zName = Fresh(src + "_zero_point");
            inits[sName] = Tensor.Scalar(scale);
            inits[zName] = sym ? Tensor.Scalar((sbyte)zp) : Tensor.Scalar((byte)zp);
            qp[t] = qp[src] = (sName, zName, scale);
        }

        // Where each quantized activation's dequantized copy is read, and the Q/DQ pair to place after its producer.
        var dq = new Dictionary<string, string>(StringComparer.Ordinal);
        var after = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        var head = new List<Node>();
        foreach (var t in plan.Tensors.Where(qp.ContainsKey))
        {
            var (s, z, _) = qp[t];
            string q = Fresh(t + "_quantized"), d = Fresh(t + "_dequantized");
            var pair = new[]
            {
                new Node("QuantizeLinear", [t, s, z], [q], Fresh(t + "_QuantizeLinear")),
                new Node("DequantizeLinear", [q, s, z], [d], Fresh(t + "_DequantizeLinear")),
            };
            if (ix.Producer(t) is not null)
            {
                after[t] = [.. pair];
            }
            else
            {
                head.AddRange(pair);
            }
            dq[t] = d;
        }

        // Weights and biases of the quantized nodes; a node whose activations lack ranges stays FP32.
        var rewritten = new Dictionary<Node, Node>();
        var weightDq = new Dictionary<(string, int), (string Out, float[] Scale)>();
        var before = new Dictionary<Node, List<Node>>();
        foreach (var target in plan.Nodes)
        {
            var n = target.Node;
            if (Enumerable.Range(0, Math.Min(2, n.Inputs.Count)).Any(i => i != target.Weight && !dq.ContainsKey(n.Inputs[i])))
            {
                continue;
            }
            var inputs = n.Inputs.ToList();
            var pre = new List<Node>();
            if (target.Weight >= 0)
            {
                int axis = _options.PerChannel ? target.Axis : -1;
                string wName = n.Inputs[target.Weight];
                if (!weightDq.TryGetValue((wName, axis), out var wq))
                {
                    var w = ix.Constant(wName)!;
                    var (q, scale) = QuantParams.Weights(w.ReadOnlySpan<float>(), w.Shape, axis, _options.WeightQMax);
                    string qName = Fresh(wName + "_quantized"), sName = Fresh(wName + "_scale"), zName = Fresh(wName + "_zero_point");
                    inits[qName] = Tensor.FromArray(q, w.Shape);
                    inits[sName] = axis < 0 ? Tensor.Scalar(scale[0]) : Tensor.FromArray(scale, scale.Length);
                    inits[zName] = axis < 0 ? Tensor.Scalar((sbyte)0) : Tensor.FromArray(new sbyte[scale.Length], scale.Length);
                    string outName = Fresh(wName + "_dequantized");
                    pre.Add(DequantizeNode([qName, sName, zName], outName, Fresh(wName + "_DequantizeLinear"), axis));
                    wq = (outName, scale);
                    weightDq[(wName, axis)] = wq;
                }
                inputs[target.Weight] = wq.Out;
                if (target.Bias >= 0)
                {
                    var b = ix.Constant(n.Inputs[target.Bias])!;
                    var (bq, bs) = QuantParams.Bias(b.ReadOnlySpan<float>(), qp[n.Inputs[0]].ScaleValue, wq.Scale);
                    string stem = n.Inputs[target.Bias];
                    string qName = Fresh(stem + "_quantized"), sName = Fresh(stem + "_scale"), zName = Fresh(stem + "_zero_point");
                    inits[qName] = Tensor.FromArray(bq, bq.Length);
                    inits[sName] = bs.Length == 1 ? Tensor.Scalar(bs[0]) : Tensor.FromArray(bs, bs.Length);
                    inits[zName] = bs.Length == 1 ? Tensor.Scalar(0) : Tensor.FromArray(new int[bs.Length], bs.Length);
                    string outName = Fresh(stem + "_dequantized");
                    pre.Add(DequantizeNode([qName, sName, zName], outName, Fresh(stem + "_DequantizeLinear"), bs.Length == 1 ? -1 : 0));
                    inputs[target.Bias] = outName;
                }
            }
            var copy = n.With(inputs: inputs);
            copy.Name = n.Name;
            rewritten[n] = copy;
            before[n] = pre;
            context.Count(Name, n.OpType);
        }
        if (rewritten.Count == 0)
        {
            return graph;
        }
        return Build(graph, plan, dq, head, after, before, rewritten, inits);
    }

    private static Node DequantizeNode(string[] inputs, string output, string name, int axis)
    {
        var n = new Node("DequantizeLinear", inputs, [output], name);
        if (axis >= 0)
        {
            n.SetAttr(Attr.Of("axis", (long)axis));
        }
        return n;
    }

    private static Axon.Graph.Graph Build(Axon.Graph.Graph g, QdqPlan plan, Dictionary<string, string> dq, List<Node> head,
        Dictionary<string, List<Node>> after, Dictionary<Node, List<Node>> before, Dictionary<Node, Node> rewritten,
        Dictionary<string, Tensor> inits)
    {
        var r = g.Clone();
        r.Nodes.Clear();
        // The quantized nodes and the moving ops between them read the dequantized copy; every other reader (a residual
        // Add, a LayerNorm, an excluded node) keeps the FP32 original, so quantization error stays off paths that gain
        // nothing from it.
        var pathOps = g.Nodes.Where(n => n.Outputs.Count == 1 && plan.SharesWith.ContainsKey(n.Outputs[0])).ToHashSet();
        Node Rewire(Node original, Node n)
        {
            if (!(rewritten.ContainsKey(original) || pathOps.Contains(original)) || !n.Inputs.Any(dq.ContainsKey))
            {
                return n;
            }
            var c = n.With(inputs: n.Inputs.Select(i => dq.GetValueOrDefault(i, i)));
            c.Name = n.Name;
            return c;
        }
        r.Nodes.AddRange(head);
        foreach (var n in g.Nodes)
        {
            if (before.TryGetValue(n, out var pre))
            {
                r.Nodes.AddRange(pre);
            }
            r.Nodes.Add(Rewire(n, rewritten.GetValueOrDefault(n, n)));
            foreach (var o in n.Outputs)
            {
                if (after.TryGetValue(o, out var pair))
                {
                    r.Nodes.AddRange(pair);
                }
            }
        }
        foreach (var kv in inits)
        {
            r.Initializers[kv.Key] = kv.Value;
        }
        return r;
    }
}
