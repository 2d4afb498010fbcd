using System.Reflection;
using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Marks an operator schema. Every class carrying it is registered automatically (several allowed per class).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class SchemaAttribute : System.Attribute
{
    public SchemaAttribute(string opType) => OpType = opType;

    public string OpType { get; }

    /// <summary>Operator domain; "" is ai.onnx.</summary>
    public string Domain { get; init; } = "";
}

/// <summary>
/// The static facts about an operator: how output types follow from input types (and constant inputs), what a node
/// costs, and which attribute kinds it accepts. Schemas never throw on bad input: they report through
/// <see cref="InferContext.Fail"/> and answer "unknown".
/// </summary>
public interface IOpSchema
{
    /// <summary>One type per node output (<see cref="TypeInfo.Unknown"/> where it cannot be told).</summary>
    TypeInfo[] InferTypes(InferContext ctx);

    /// <summary>FLOPs and bytes moved; the default counts reading every input and writing every output, zero FLOPs.</summary>
    OpCost Cost(CostContext ctx) => ctx.Memory(SymExpr.Zero);

    /// <summary>The attributes this schema knows, with the kind each must have (the verifier checks them).</summary>
    IReadOnlyDictionary<string, AttrKind> Attributes => SchemaRegistry.NoAttributes;
}

/// <summary>What a node costs: floating-point (or integer) operations and bytes read and written, possibly symbolic.</summary>
public sealed record OpCost(SymExpr Flops, SymExpr BytesRead, SymExpr BytesWritten)
{
    public SymExpr Bytes => BytesRead + BytesWritten;
}

/// <summary>All schemas, found once by reflection over this assembly.</summary>
public static class SchemaRegistry
{
    internal static readonly IReadOnlyDictionary<string, AttrKind> NoAttributes = new Dictionary<string, AttrKind>();

    private static readonly Lazy<Dictionary<(string Domain, string Op), IOpSchema>> Schemas = new(Discover);

    private static Dictionary<(string, string), IOpSchema> Discover()
    {
        var d = new Dictionary<(string, string), IOpSchema>();
        foreach (var t in typeof(SchemaRegistry).Assembly.GetTypes())
        {
            var attrs = t.GetCustomAttributes<SchemaAttribute>().ToArray();
            if (attrs.Length == 0)
            {
                continue;
            }
            var s = (IOpSchema)Activator.CreateInstance(t, nonPublic: true)!;
            foreach (var a in attrs)
            {
                if (!d.TryAdd((a.Domain, a.OpType), s))
                {
                    throw new InvalidOperationException($"schema {a.Domain}:{a.OpType} is registered twice");
                }
            }
        }
        return d;
    }

    public static IOpSchema? Find(string domain, string opType) =>
        Schemas.Value.GetValueOrDefault((domain == "ai.onnx" ? "" : domain, opType));

    public static IEnumerable<(string Domain, string Op)> All => Schemas.Value.Keys;
}
