namespace Axon.Graph.Reference;

/// <summary>
/// Shared pieces of the reference implementations of Axon's fused ops (domain "axon"). A fused op is defined as the exact
/// sequence of standard ops it replaces, so each step runs the standard reference op itself: an optimized graph then
/// gives the same numbers as the original in the reference executor.
/// </summary>
internal static class AxonFusion
{
    /// <summary>Opset used for the standard ops inside a fused op (their semantics are the same from these versions on).</summary>
    public const long InnerOpset = 21;

    /// <summary>Attributes of a fused node that describe the epilogue, not the base op.</summary>
    public static readonly HashSet<string> EpilogueAttributes = new(StringComparer.Ordinal) { "activation", "activation_alpha", "activation_beta" };

    /// <summary>Runs one standard op on concrete tensors (null = omitted input) and returns its first output.</summary>
    public static Tensor RunOnnx(OpContext ctx, string opType, IEnumerable<Attr> attrs, params Tensor?[] inputs)
    {
        var g = new Graph { Name = opType };
        var feeds = new Dictionary<string, IValue?>(StringComparer.Ordinal);
        var names = new List<string>();
        for (int i = 0; i < inputs.Length; i++)
        {
            if (inputs[i] is not { } t)
            {
                names.Add("");
                continue;
            }
            string name = "in" + i;
            names.Add(name);
            g.Inputs.Add(new ValueInfo(name, TypeInfo.Tensor(t.DType, t.SymShape)));
            feeds[name] = t;
        }
        var n = new Node(opType, names, ["out"], ctx.Node.Name);
        foreach (var a in attrs)
        {
            n.SetAttr(a);
        }
        g.Nodes.Add(n);
        g.Outputs.Add(new ValueInfo("out", TypeInfo.Unknown));
        var m = new Model(g);
        m.OpsetImports[""] = InnerOpset;
        try
        {
            return (Tensor)new ReferenceExecutor(m).Run(feeds)[0].Value!;
        }
        catch (AxonModelException e)
        {
            throw ctx.Error(e.Message);
        }
    }

    /// <summary>The node's attributes without the epilogue ones (what the base op understands).</summary>
    public static IEnumerable<Attr> BaseAttributes(OpContext ctx) =>
        ctx.Node.Attributes.Values.Where(a => !EpilogueAttributes.Contains(a.Name));

    /// <summary>
    /// y = activation(y + residual): the epilogue shared by FusedConv, FusedMatMul and FusedGemm. The residual add comes
    /// first because residual fusion matches Act(Add(Op(x), r)), the ResNet/transformer order.
    /// </summary>
    public static Tensor Epilogue(OpContext ctx, Tensor y, Tensor? residual)
    {
        if (residual is not null)
        {
            y = RunOnnx(ctx, "Add", [], y, residual);
        }
        return Activate(ctx, y, ctx.String("activation", ""), ctx.Float("activation_alpha", float.NaN), ctx.Float("activation_beta", float.NaN));
    }

    /// <summary>Applies an activation by name, with the standard op where one exists so results match the unfused graph.</summary>
    public static Tensor Activate(OpContext ctx, Tensor y, string activation, float alpha, float beta)
    {
        switch (activation)
        {
            case "":
                return y;
            case "Relu":
            case "Sigmoid":
            case "Tanh":
                return RunOnnx(ctx, activation, [], y);
            case "LeakyRelu":
                return RunOnnx(ctx, "LeakyRelu", [Attr.Of("alpha", float.IsNaN(alpha) ? 0.01f : alpha)], y);
            case "Gelu":
                return RunOnnx(ctx, "Gelu", [], y);
            case "GeluTanh":
                return RunOnnx(ctx, "Gelu", [Attr.Of("approximate", "tanh")], y);
            case "Silu":
                return Silu(y);
            case "Clip":
                // alpha/beta are min/max; NaN means unbounded on that side.
                Tensor? lo = float.IsNaN(alpha) ? null : Tensor.FromDoubles(y.DType, [alpha]);
                Tensor? hi = float.IsNaN(beta) ? null : Tensor.FromDoubles(y.DType, [beta]);
                return RunOnnx(ctx, "Clip", [], y, lo, hi);
            default:
                throw ctx.Error($"unknown fused activation '{activation}'");
        }
    }

    /// <summary>x * sigmoid(x), computed in double and rounded once.</summary>
    public static Tensor Silu(Tensor x) => Elementwise.Unary(x, v => v / (1 + Math.Exp(-v)));
}
