using System.Reflection;

namespace Axon.Graph.Reference;

/// <summary>Marks a reference implementation of an operator. Every class carrying it is registered automatically.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class OpAttribute : System.Attribute
{
    public OpAttribute(string opType) => OpType = opType;

    public string OpType { get; }

    /// <summary>Operator domain; "" is ai.onnx.</summary>
    public string Domain { get; init; } = "";
}

/// <summary>A reference implementation: computes a node's outputs from its inputs, clearly and exactly.</summary>
public interface IReferenceOp
{
    /// <summary>Returns one value per node output (null for an omitted optional output).</summary>
    IValue?[] Run(OpContext ctx);
}

/// <summary>All reference ops, found once by reflection over this assembly (no hand-kept list).</summary>
public static class OpRegistry
{
    private static readonly Lazy<Dictionary<(string Domain, string Op), IReferenceOp>> Ops = new(Discover);

    private static Dictionary<(string, string), IReferenceOp> Discover()
    {
        var d = new Dictionary<(string, string), IReferenceOp>();
        foreach (var t in typeof(OpRegistry).Assembly.GetTypes())
        {
            var attrs = t.GetCustomAttributes<OpAttribute>().ToArray();
            if (attrs.Length == 0)
            {
                continue;
            }
            var op = (IReferenceOp)Activator.CreateInstance(t)!;
            foreach (var a in attrs)
            {
                if (!d.TryAdd((a.Domain, a.OpType), op))
                {
                    throw new InvalidOperationException($"reference op {a.Domain}:{a.OpType} is registered twice");
                }
            }
        }
        return d;
    }

    public static IReferenceOp? Find(string domain, string opType) =>
        Ops.Value.GetValueOrDefault((domain == "ai.onnx" ? "" : domain, opType));

    /// <summary>Every registered (domain, op) pair.</summary>
    public static IEnumerable<(string Domain, string Op)> All => Ops.Value.Keys;
}
