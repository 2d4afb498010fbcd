using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Fuses an activation into the Conv/MatMul/Gemm (or fused form) that feeds it: Relu, LeakyRelu, Sigmoid, Tanh, Gelu (erf
/// or tanh; ONNX or axon:Gelu), SiLU (axon:Silu or Swish with alpha 1) and Clip with constant bounds. The fused node carries
/// <c>activation</c> plus <c>activation_alpha</c>/<c>activation_beta</c> (LeakyRelu alpha; Clip min/max).
/// </summary>
public sealed class FuseActivation : PassBase
{
    public override string Name => "fuse-activation";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node?>();
        foreach (var act in graph.Nodes)
        {
            if (act.Inputs.Count == 0 || act.Outputs.Count != 1 || Describe(act, index, context) is not { } a)
            {
                continue;
            }
            context.CurrentNode = act;
            string y = act.Inputs[0];
            if (index.Producer(y) is not { } p || !EpilogueTargets.IsTarget(p) || EpilogueTargets.HasActivation(p) || !index.SingleUse(y) || replace.ContainsKey(p))
            {
                continue;
            }
            var fused = EpilogueTargets.ToFused(p, act.Outputs[0]);
            fused.SetAttr(Attr.Of("activation", a.Name));
            if (a.Alpha is float alpha)
            {
                fused.SetAttr(Attr.Of("activation_alpha", alpha));
            }
            if (a.Beta is float beta)
            {
                fused.SetAttr(Attr.Of("activation_beta", beta));
            }
            replace[p] = null;
            replace[act] = fused;
            context.Count(Name, a.Name);
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace);
    }

    internal sealed record Activation(string Name, float? Alpha = null, float? Beta = null);

    /// <summary>The fused-epilogue form of an activation node (also used by the quantization fusions), or null.</summary>
    internal static Activation? Describe(Node n, GraphIndex ix, PassContext ctx)
    {
        if (n.Domain == Rewrite.FusedDomain)
        {
            return n.OpType switch
            {
                "Silu" => new Activation("Silu"),
                "Gelu" => GeluKind(n),
                _ => null,
            };
        }
        if (n.Domain.Length != 0)
        {
            return null;
        }
        switch (n.OpType)
        {
            case "Relu":
            case "Sigmoid":
            case "Tanh":
                return new Activation(n.OpType);
            case "LeakyRelu":
                return new Activation("LeakyRelu", n.GetFloat("alpha", 0.01f));
            case "Gelu":
                return GeluKind(n);
            case "Swish":
                return n.GetFloat("alpha", 1f) == 1f ? new Activation("Silu") : null;
            case "Clip":
                if (ctx.Opset() < 11)
                {
                    return new Activation("Clip", n.HasAttr("min") ? n.GetFloat("min", 0) : null, n.HasAttr("max") ? n.GetFloat("max", 0) : null);
                }
                float? lo = null, hi = null;
                if (n.Inputs.Count > 1 && n.Inputs[1].Length > 0)
                {
                    if (ix.Scalar(n.Inputs[1]) is not double l)
                    {
                        return null;
                    }
                    lo = (float)l;
                }
                if (n.Inputs.Count > 2 && n.Inputs[2].Length > 0)
                {
                    if (ix.Scalar(n.Inputs[2]) is not double h)
                    {
                        return null;
                    }
                    hi = (float)h;
                }
                return new Activation("Clip", lo, hi);
            default:
                return null;
        }
    }

    private static Activation? GeluKind(Node n) => n.GetString("approximate", "none") switch
    {
        "none" => new Activation("Gelu"),
        "tanh" => new Activation("GeluTanh"),
        _ => null,
    };
}
