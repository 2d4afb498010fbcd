using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Layout selection: regions of convolutions and the ops between them run in the blocked layout NCHW16c
/// ([N, C/16, H, W, 16], what the NCHWc convolution kernel reads and writes), with the reorders placed once at the
/// region's edges. Blocked: Conv/axon:FusedConv (group 1, constant 4-D weights and bias, 4-D float32 input, residual of
/// the output's shape) as axon:NchwcConv; MaxPool/AveragePool as axon:NchwcMaxPool/NchwcAveragePool; same-shape
/// Add/Sub/Mul and the activations in between (they are elementwise, so they run on the blocked tensor unchanged);
/// GlobalAveragePool as axon:NchwcGlobalAveragePool, which ends a region with a plain [N, C, 1, 1] result.
/// A pooling or elementwise node joins only when one of its inputs is already blocked (a region starts at a
/// convolution). A region's input from outside gets one axon:ReorderToNchwc (none for a convolution with fewer than 8
/// input channels: the stem reads plain NCHW directly); a blocked value read outside the region (or a graph output)
/// gets one axon:ReorderFromNchwc that keeps the original value name, so the rest of the graph is untouched. Weights
/// stay OIHW in the graph; lowering reorders them once when the kernel is created.
/// </summary>
public sealed class SelectConvLayout : PassBase
{
    public override string Name => "select-conv-layout";

    /// <summary>Convolutions with fewer input channels read plain NCHW (blocking 3 channels to 16 wastes 5x the work).</summary>
    public const int PlainInputChannels = 8;

    private static readonly HashSet<string> Binary = new(StringComparer.Ordinal) { "Add", "Sub", "Mul" };

    // Elementwise ops whose result is finite on the zero padding lanes (no Div, Log, Reciprocal...): padding lanes meet
    // zero weights in the next convolution, and 0 x NaN would leak into real channels.
    private static readonly HashSet<string> Unary = new(StringComparer.Ordinal) { "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "HardSigmoid" };
    private static readonly HashSet<string> AxonUnary = new(StringComparer.Ordinal) { "Gelu", "Silu" };

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var blocked = new HashSet<Node>();
        foreach (var n in graph.Nodes)
        {
            context.CurrentNode = n;
            if (IsConv(n, index))
            {
                blocked.Add(n);
            }
        }
        if (blocked.Count == 0)
        {
            context.CurrentNode = null;
            return graph;
        }
        // Grow from the convolutions in topological order: a node joins when one of its data inputs is blocked.
        foreach (var n in graph.Nodes)
        {
            context.CurrentNode = n;
            if (!blocked.Contains(n) && Joins(n, index) && n.Inputs.Where((_, i) => IsDataInput(n, i)).Any(i => index.Producer(i) is { } p && blocked.Contains(p) && p.OpType != "GlobalAveragePool"))
            {
                blocked.Add(n);
            }
        }
        context.CurrentNode = null;
        return Apply(graph, index, blocked, context);
    }

    private Axon.Graph.Graph Apply(Axon.Graph.Graph graph, GraphIndex index, HashSet<Node> blocked, PassContext context)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var blockedName = new Dictionary<string, string>(StringComparer.Ordinal); // plain value -> its blocked twin
        var nodes = new List<Node>();
        string Blocked(string v, string stem)
        {
            if (!blockedName.TryGetValue(v, out var b))
            {
                blockedName[v] = b = Rewrite.FreshName(graph, stem + "_nchwc", taken);
            }
            return b;
        }
        foreach (var n in graph.Nodes)
        {
            if (!blocked.Contains(n))
            {
                nodes.Add(n);
                continue;
            }
            // Inputs from outside the region: one reorder per value, placed before its first blocked reader.
            var inputs = new List<string>(n.Inputs);
            for (int i = 0; i < n.Inputs.Count; i++)
            {
                string u = n.Inputs[i];
                if (u.Length == 0 || !IsDataInput(n, i))
                {
                    continue;
                }
                bool inside = index.Producer(u) is { } p && blocked.Contains(p) && p.OpType != "GlobalAveragePool";
                if (!inside && i == 0 && IsConvOp(n) && Channels(u, index) < PlainInputChannels)
                {
                    continue; // a convolution over few channels reads its plain input directly
                }
                if (!inside && !blockedName.ContainsKey(u))
                {
                    nodes.Add(new Node("ReorderToNchwc", [u], [Blocked(u, u)], u + "/to_nchwc", Rewrite.FusedDomain));
                    context.Count(Name, "reorders-in");
                }
                inputs[i] = Blocked(u, u);
            }
            string y = n.Outputs[0];
            if (n.OpType == "GlobalAveragePool")
            {
                nodes.Add(WithChannels(new Node("NchwcGlobalAveragePool", inputs, [y], n.Name, Rewrite.FusedDomain), n, index));
                context.Count(Name, "global-pools");
                continue;
            }
            string yb = Blocked(y, y);
            Node m = n.OpType switch
            {
                "Conv" or "FusedConv" => Copy(new Node("NchwcConv", inputs, [yb], n.Name, Rewrite.FusedDomain), n),
                "MaxPool" or "AveragePool" => WithChannels(Copy(new Node("Nchwc" + n.OpType, inputs, [yb], n.Name, Rewrite.FusedDomain), n), n, index),
                _ => Copy(new Node(n.OpType, inputs, [yb], n.Name, n.Domain), n),
            };
            nodes.Add(m);
            context.Count(Name, IsConvOp(n) ? "convolutions" : "others");
            // Readers outside the region (and graph outputs) keep the plain value under its own name.
            if (index.IsGraphOutput(y) || index.Consumers(y).Any(c => !blocked.Contains(c)))
            {
                var back = new Node("ReorderFromNchwc", [yb], [y], y + "/from_nchwc", Rewrite.FusedDomain);
                back.SetAttr(Attr.Of("channels", (long)Channels(y, index)));
                nodes.Add(back);
                context.Count(Name, "reorders-out");
            }
        }
        var r = graph.Clone();
        r.Nodes.Clear();
        r.Nodes.AddRange(nodes);
        // Plain values that no longer exist (their blocked twins replaced them) lose their type annotations.
        var produced = new HashSet<string>(nodes.SelectMany(x => x.Outputs), StringComparer.Ordinal);
        foreach (var v in blockedName.Keys.Where(v => !produced.Contains(v) && r.ValueInfos.ContainsKey(v)).ToList())
        {
            r.ValueInfos.Remove(v);
        }
        return r;
    }

    private static Node Copy(Node to, Node from)
    {
        foreach (var kv in from.Attributes)
        {
            to.Attributes[kv.Key] = kv.Value;
        }
        return to;
    }

    private static Node WithChannels(Node to, Node from, GraphIndex index) =>
        to.SetAttr(Attr.Of("channels", (long)Channels(from.Inputs[0], index)));

    private static bool IsConvOp(Node n) =>
        (n.OpType == "Conv" && n.Domain.Length == 0) || (n.OpType == "FusedConv" && n.Domain == Rewrite.FusedDomain);

    /// <summary>Inputs that carry activations (the rest are weights, bias or scalar parameters).</summary>
    private static bool IsDataInput(Node n, int i) => IsConvOp(n) ? i is 0 or 3 : Binary.Contains(n.OpType) ? i < 2 : i == 0;

    /// <summary>The channel count of a 4-D float32 value with a known channel dimension, else -1.</summary>
    private static int Channels(string v, GraphIndex index)
    {
        var t = index.Graph.TypeOf(v);
        return t is { Kind: TypeKind.Tensor, ElemType: DType.Float32 } && t.Shape.HasRank && t.Shape.Rank == 4 && t.Shape[1].IsKnown
            ? (int)t.Shape[1].Value : -1;
    }

    private static bool IsConv(Node n, GraphIndex index)
    {
        if (!IsConvOp(n) || n.Outputs.Count != 1 || n.GetInt("group", 1) != 1 || n.Inputs.Count < 2)
        {
            return false;
        }
        if (Channels(n.Inputs[0], index) < 1 || Channels(n.Outputs[0], index) < 1 || index.Constant(n.Inputs[1]) is not { Rank: 4, DType: DType.Float32 })
        {
            return false;
        }
        if (n.Inputs.Count > 2 && n.Inputs[2].Length > 0 && index.Constant(n.Inputs[2]) is null)
        {
            return false;
        }
        if (n.Inputs.Count > 3 && n.Inputs[3].Length > 0 && !SameShape(n.Inputs[3], n.Outputs[0], index))
        {
            return false;
        }
        return n.GetString("activation", "") is "" or "Relu" or "LeakyRelu" or "Sigmoid" or "Tanh" or "Gelu" or "GeluTanh" or "Silu" or "Clip";
    }

    private static bool Joins(Node n, GraphIndex index)
    {
        if (n.Outputs.Count != 1 || Channels(n.Outputs[0], index) < 1 && n.OpType != "GlobalAveragePool")
        {
            return false;
        }
        if (n.Domain == Rewrite.FusedDomain)
        {
            return AxonUnary.Contains(n.OpType);
        }
        if (n.Domain.Length != 0)
        {
            return false;
        }
        return n.OpType switch
        {
            "MaxPool" => n.GetInt("storage_order", 0) == 0 && Channels(n.Inputs[0], index) > 0,
            "AveragePool" => Channels(n.Inputs[0], index) > 0,
            "GlobalAveragePool" => Channels(n.Inputs[0], index) > 0,
            _ when Binary.Contains(n.OpType) => n.Inputs.Count == 2 && SameShape(n.Inputs[0], n.Outputs[0], index) && SameShape(n.Inputs[1], n.Outputs[0], index),
            _ when Unary.Contains(n.OpType) => n.Inputs.Skip(1).All(i => i.Length == 0 || index.Constant(i) is { Length: 1 }),
            _ => false,
        };
    }

    private static bool SameShape(string a, string b, GraphIndex index) =>
        Channels(a, index) > 0 && index.Graph.TypeOf(a) is { } ta && index.Graph.TypeOf(b) is { } tb && ta.Shape.Equals(tb.Shape);
}
