using System.Globalization;
using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// axon:FusedElementwise(x0, x1, ...) {program}: a chain of elementwise ops run as one node. The output is the broadcast
/// of all inputs (every op in the chain broadcasts, so the chain does too) with input 0's element type.
/// </summary>
[Schema("FusedElementwise", Domain = "axon")]
internal sealed class FusedElementwiseSchema : IOpSchema
{
    private static readonly Dictionary<string, AttrKind> Attrs = new(StringComparer.Ordinal) { ["program"] = AttrKind.String };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var shapes = new List<SymShape>();
        for (int i = 0; i < ctx.InputCount; i++)
        {
            var s = ctx.Shape(i);
            if (!s.HasRank)
            {
                return ctx.One(ctx.ElemType(0), SymShape.UnknownRank);
            }
            shapes.Add(s);
        }
        if (shapes.Count == 0)
        {
            return ctx.Unknowns();
        }
        var y = ShapeMath.Broadcast(shapes, out string? err);
        return y is null ? ctx.Fail(err!) : ctx.One(ctx.ElemType(0), y);
    }

    public OpCost Cost(CostContext ctx)
    {
        int steps = ElementwiseProgram.TryParse(ctx.Node.GetString("program", ""), out var p, out _) ? p!.Steps.Count : 1;
        return ctx.PerOutputElement(steps);
    }
}

/// <summary>One step of an elementwise program: <c>Op</c> over one or two operands, with its float parameters.</summary>
/// <param name="Op">ONNX op name (Add, Relu, Clip, ...) or Gelu/GeluTanh/Silu.</param>
/// <param name="Operands">Operand references: "x3" is node input 3, "t1" the result of step 1.</param>
/// <param name="Parameters">Named float parameters (alpha, beta, min, max).</param>
public sealed record ElementwiseStep(string Op, IReadOnlyList<string> Operands, IReadOnlyDictionary<string, float> Parameters)
{
    public float Param(string name, float fallback) => Parameters.TryGetValue(name, out float v) ? v : fallback;

    /// <summary>The operand as (isInput, index).</summary>
    public static (bool Input, int Index) Decode(string operand) =>
        (operand[0] == 'x', int.Parse(operand.AsSpan(1), CultureInfo.InvariantCulture));
}

/// <summary>
/// The program of an axon:FusedElementwise node, stored as text in its <c>program</c> attribute so IR dumps stay readable:
/// steps separated by <c>;</c>, each <c>Op operand [operand] [name=value ...]</c>, e.g.
/// <c>Mul x0 x1; Add t0 x2; Clip t1 min=0 max=6</c>. The last step's result is the node's output.
/// </summary>
public sealed class ElementwiseProgram
{
    /// <summary>Binary ops a program may hold (each broadcasts its two operands).</summary>
    public static readonly IReadOnlySet<string> BinaryOps = new HashSet<string>(StringComparer.Ordinal) { "Add", "Sub", "Mul", "Div", "Max", "Min", "Pow" };

    /// <summary>Unary ops a program may hold.</summary>
    public static readonly IReadOnlySet<string> UnaryOps = new HashSet<string>(StringComparer.Ordinal)
    {
        "Relu", "Sigmoid", "Tanh", "Exp", "Log", "Sqrt", "Neg", "Abs", "Erf", "Reciprocal", "Floor", "Ceil",
        "LeakyRelu", "Clip", "HardSigmoid", "Softplus", "Gelu", "GeluTanh", "Silu",
    };

    public ElementwiseProgram(IReadOnlyList<ElementwiseStep> steps) => Steps = steps;

    public IReadOnlyList<ElementwiseStep> Steps { get; }

    public override string ToString() => string.Join("; ", Steps.Select(s =>
        string.Join(" ", new[] { s.Op }.Concat(s.Operands).Concat(s.Parameters.Select(kv => $"{kv.Key}={kv.Value.ToString("R", CultureInfo.InvariantCulture)}")))));

    /// <summary>Parses and checks a program against the node's input count (<paramref name="inputs"/>, -1 = unchecked).</summary>
    public static bool TryParse(string text, out ElementwiseProgram? program, out string? error, int inputs = -1)
    {
        program = null;
        var steps = new List<ElementwiseStep>();
        foreach (var raw in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string op = parts[0];
            bool binary = BinaryOps.Contains(op);
            if (!binary && !UnaryOps.Contains(op))
            {
                error = $"step {steps.Count}: '{op}' is not an elementwise op a program can hold";
                return false;
            }
            var operands = new List<string>();
            var prms = new Dictionary<string, float>(StringComparer.Ordinal);
            foreach (var p in parts.Skip(1))
            {
                int eq = p.IndexOf('=');
                if (eq > 0)
                {
                    if (!float.TryParse(p.AsSpan(eq + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                    {
                        error = $"step {steps.Count}: parameter '{p}' is not name=number";
                        return false;
                    }
                    prms[p[..eq]] = v;
                    continue;
                }
                if (p.Length < 2 || (p[0] != 'x' && p[0] != 't') || !int.TryParse(p.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int idx)
                    || (p[0] == 't' && idx >= steps.Count) || (p[0] == 'x' && inputs >= 0 && idx >= inputs))
                {
                    error = $"step {steps.Count}: operand '{p}' must be xN (an input) or tN (an earlier step)";
                    return false;
                }
                operands.Add(p);
            }
            if (operands.Count != (binary ? 2 : 1))
            {
                error = $"step {steps.Count}: {op} takes {(binary ? 2 : 1)} operand(s), got {operands.Count}";
                return false;
            }
            steps.Add(new ElementwiseStep(op, operands, prms));
        }
        if (steps.Count == 0)
        {
            error = "empty program";
            return false;
        }
        program = new ElementwiseProgram(steps);
        error = null;
        return true;
    }
}
