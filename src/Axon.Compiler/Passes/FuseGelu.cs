using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// Fuses decomposed GELU into Gelu (opset ≥ 20) or axon:Gelu. Erf form: <c>x · 0.5 · (1 + Erf(x / √2))</c> (or
/// <c>Erf(x · 1/√2)</c>), the three factors multiplied in any grouping and order. Tanh form:
/// <c>x · 0.5 · (1 + Tanh(√(2/π) · (x + 0.044715 · x³)))</c> with x³ as Pow(x, 3) or products of x.
/// </summary>
public sealed class FuseGelu : PassBase
{
    private const double Sqrt2 = 1.4142135623730951;
    private const double TanhScale = 0.7978845608028654; // sqrt(2/pi)

    public override string Name => "fuse-gelu";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var replace = new Dictionary<Node, Node?>();
        foreach (var root in graph.Nodes)
        {
            if (root.OpType != "Mul" || root.Domain.Length != 0)
            {
                continue;
            }
            context.CurrentNode = root;
            if (Match(root, index) is { } m)
            {
                var attrs = m.Tanh ? new[] { Attr.Of("approximate", "tanh") } : [];
                Node fused;
                if (context.Opset() >= 20)
                {
                    fused = new Node("Gelu", [m.X], [root.Outputs[0]], root.Name);
                    foreach (var a in attrs)
                    {
                        fused.SetAttr(a);
                    }
                }
                else
                {
                    fused = Rewrite.Fused("Gelu", [m.X], [root.Outputs[0]], root.Name, attrs);
                }
                replace[root] = fused;
                context.Count(Name, m.Tanh ? "fused-tanh" : "fused-erf");
            }
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : Rewrite.Apply(graph, replace);
    }

    private static (string X, bool Tanh)? Match(Node root, GraphIndex ix)
    {
        // Flatten the product tree under the root (inner Muls read only here) into its three factors.
        var factors = new List<string>();
        Flatten(root, ix, factors, depth: 0);
        if (factors.Count != 3)
        {
            return null;
        }
        int half = factors.FindIndex(f => ix.IsScalar(f, 0.5));
        if (half < 0)
        {
            return null;
        }
        factors.RemoveAt(half);
        for (int k = 0; k < 2; k++)
        {
            string x = factors[k], onePlus = factors[1 - k];
            if (ix.Producer(onePlus, "Add") is not { } add || !ix.SingleUse(onePlus))
            {
                continue;
            }
            string? inner = add.Inputs.FirstOrDefault(i => ix.Producer(i) is { OpType: "Erf" or "Tanh", Domain: "" });
            if (inner is null || !ix.SingleUse(inner) || GraphIndex.Other(add, inner) is not { } one || !ix.IsScalar(one, 1))
            {
                continue;
            }
            var f = ix.Producer(inner)!;
            string arg = f.Inputs[0];
            if (f.OpType == "Erf" && ix.SingleUse(arg) && IsErfArgument(arg, x, ix))
            {
                return (x, false);
            }
            if (f.OpType == "Tanh" && ix.SingleUse(arg) && IsTanhArgument(arg, x, ix))
            {
                return (x, true);
            }
        }
        return null;
    }

    private static void Flatten(Node mul, GraphIndex ix, List<string> factors, int depth)
    {
        foreach (var i in mul.Inputs)
        {
            if (depth < 2 && ix.Producer(i, "Mul") is { } m && ix.SingleUse(i) && !ix.IsScalar(i, 0.5))
            {
                Flatten(m, ix, factors, depth + 1);
            }
            else
            {
                factors.Add(i);
            }
            if (factors.Count > 3)
            {
                return;
            }
        }
    }

    /// <summary>x / √2 or x · (1/√2).</summary>
    private static bool IsErfArgument(string v, string x, GraphIndex ix) => ix.Producer(v) switch
    {
        { OpType: "Div", Domain: "" } d => d.Inputs[0] == x && ix.IsScalar(d.Inputs[1], Sqrt2, 1e-4),
        { OpType: "Mul", Domain: "" } m => GraphIndex.Other(m, x) is { } c && ix.IsScalar(c, 1 / Sqrt2, 1e-4),
        _ => false,
    };

    /// <summary>√(2/π) · (x + 0.044715 · x³), either operand order.</summary>
    private static bool IsTanhArgument(string v, string x, GraphIndex ix)
    {
        if (ix.Producer(v, "Mul") is not { } m)
        {
            return false;
        }
        string? sum = m.Inputs.FirstOrDefault(i => ix.Producer(i, "Add") is not null);
        if (sum is null || GraphIndex.Other(m, sum) is not { } c || !ix.IsScalar(c, TanhScale, 1e-4) || !ix.SingleUse(sum))
        {
            return false;
        }
        var add = ix.Producer(sum, "Add")!;
        if (GraphIndex.Other(add, x) is not { } cubic || ix.Producer(cubic, "Mul") is not { } cm || !ix.SingleUse(cubic))
        {
            return false;
        }
        string? cube = cm.Inputs.FirstOrDefault(i => !ix.IsScalar(i, 0.044715, 1e-4));
        return cube is not null && GraphIndex.Other(cm, cube) is { } k && ix.IsScalar(k, 0.044715, 1e-4) && IsCube(cube, x, ix);
    }

    private static bool IsCube(string v, string x, GraphIndex ix) => ix.Producer(v) switch
    {
        { OpType: "Pow", Domain: "" } p => p.Inputs[0] == x && ix.IsScalar(p.Inputs[1], 3),
        { OpType: "Mul", Domain: "" } m => (m.Inputs[0] == x && IsSquare(m.Inputs[1], x, ix)) || (m.Inputs[1] == x && IsSquare(m.Inputs[0], x, ix)),
        _ => false,
    };

    private static bool IsSquare(string v, string x, GraphIndex ix) => ix.Producer(v) switch
    {
        { OpType: "Mul", Domain: "" } m => m.Inputs[0] == x && m.Inputs[1] == x,
        { OpType: "Pow", Domain: "" } p => p.Inputs[0] == x && ix.IsScalar(p.Inputs[1], 2),
        _ => false,
    };
}
