using Axon.Graph;
using G = Axon.Graph;

namespace Axon.Onnx.Tests;

/// <summary>
/// Structural equality of two IR models: metadata, opsets, functions, and graphs (recursively through subgraphs) down to
/// node attributes, value types and initializer bytes. Returns a path to the first difference, or null when equal.
/// </summary>
internal static class IrDiff
{
    public static void AssertEqual(Model expected, Model actual)
    {
        var d = Diff(expected, actual);
        Assert.True(d is null, d);
    }

    public static string? Diff(Model a, Model b) =>
        Cmp("ir_version", a.IrVersion, b.IrVersion)
        ?? Cmp("producer_name", a.ProducerName, b.ProducerName)
        ?? Cmp("producer_version", a.ProducerVersion, b.ProducerVersion)
        ?? Cmp("domain", a.Domain, b.Domain)
        ?? Cmp("model_version", a.ModelVersion, b.ModelVersion)
        ?? Cmp("doc_string", a.DocString, b.DocString)
        ?? Dict("opset_import", a.OpsetImports, b.OpsetImports)
        ?? Dict("metadata", a.Metadata, b.Metadata)
        ?? List("functions", a.Functions, b.Functions, FunctionDiff)
        ?? GraphDiff("graph", a.Graph, b.Graph);

    public static string? GraphDiff(string at, G.Graph a, G.Graph b)
    {
        at = $"{at}('{a.Name}')";
        return Cmp(at + ".name", a.Name, b.Name)
            ?? Cmp(at + ".doc_string", a.DocString, b.DocString)
            ?? List(at + ".inputs", a.Inputs, b.Inputs, ValueInfoDiff)
            ?? List(at + ".outputs", a.Outputs, b.Outputs, ValueInfoDiff)
            ?? List(at + ".value_info", a.ValueInfos.Values.ToList(), b.ValueInfos.Values.ToList(), ValueInfoDiff)
            ?? List(at + ".initializers", a.Initializers.ToList(), b.Initializers.ToList(),
                (p, x, y) => Cmp(p + ".name", x.Key, y.Key) ?? TensorDiff($"{p}('{x.Key}')", x.Value, y.Value))
            ?? List(at + ".nodes", a.Nodes, b.Nodes, NodeDiff);
    }

    private static string? FunctionDiff(string at, Function a, Function b) =>
        Cmp(at + ".name", a.Name, b.Name)
        ?? Cmp(at + ".domain", a.Domain, b.Domain)
        ?? Cmp(at + ".overload", a.Overload, b.Overload)
        ?? Seq(at + ".inputs", a.Inputs, b.Inputs)
        ?? Seq(at + ".outputs", a.Outputs, b.Outputs)
        ?? Seq(at + ".attribute_names", a.AttributeNames.Order(StringComparer.Ordinal).ToList(), b.AttributeNames.Order(StringComparer.Ordinal).ToList())
        ?? List(at + ".attribute_defaults", a.AttributeDefaults.Values.ToList(), b.AttributeDefaults.Values.ToList(), AttrDiff)
        ?? List(at + ".nodes", a.Nodes, b.Nodes, NodeDiff)
        ?? Dict(at + ".opset_import", a.OpsetImports, b.OpsetImports)
        ?? Cmp(at + ".doc_string", a.DocString, b.DocString);

    public static string? NodeDiff(string at, Node a, Node b)
    {
        at = $"{at}({a})";
        return Cmp(at + ".op_type", a.OpType, b.OpType)
            ?? Cmp(at + ".domain", a.Domain, b.Domain)
            ?? Cmp(at + ".name", a.Name, b.Name)
            ?? Cmp(at + ".doc_string", a.DocString, b.DocString)
            ?? Seq(at + ".inputs", a.Inputs, b.Inputs)
            ?? Seq(at + ".outputs", a.Outputs, b.Outputs)
            ?? List(at + ".attributes", a.Attributes.Values.ToList(), b.Attributes.Values.ToList(), AttrDiff);
    }

    public static string? AttrDiff(string at, Attr a, Attr b)
    {
        at = $"{at}('{a.Name}')";
        return Cmp(at + ".name", a.Name, b.Name)
            ?? Cmp(at + ".kind", a.Kind, b.Kind)
            ?? Cmp(at + ".ref_attr_name", a.RefAttrName, b.RefAttrName)
            ?? Cmp(at + ".doc_string", a.DocString, b.DocString)
            ?? Cmp(at + ".i", a.I, b.I)
            ?? Cmp(at + ".f(bits)", BitConverter.SingleToInt32Bits(a.F), BitConverter.SingleToInt32Bits(b.F))
            ?? Seq(at + ".s", a.S, b.S)
            ?? Seq(at + ".ints", a.Ints, b.Ints)
            ?? Seq(at + ".floats(bits)", a.Floats.Select(BitConverter.SingleToInt32Bits).ToList(), b.Floats.Select(BitConverter.SingleToInt32Bits).ToList())
            ?? List(at + ".strings", a.Strings, b.Strings, (p, x, y) => Seq(p, x, y))
            ?? Opt(at + ".t", a.T, b.T, TensorDiff)
            ?? List(at + ".tensors", a.Tensors, b.Tensors, TensorDiff)
            ?? Opt(at + ".g", a.G, b.G, GraphDiff)
            ?? List(at + ".graphs", a.Graphs, b.Graphs, GraphDiff)
            ?? Opt(at + ".tp", a.Type, b.Type, TypeDiff)
            ?? List(at + ".type_protos", a.Types, b.Types, TypeDiff);
    }

    public static string? TensorDiff(string at, Tensor a, Tensor b)
    {
        var d = Cmp(at + ".dtype", a.DType, b.DType) ?? Seq(at + ".shape", a.Shape, b.Shape);
        if (d is not null)
        {
            return d;
        }
        return a.DType == DType.String
            ? Seq(at + ".strings", a.Strings.ToArray(), b.Strings.ToArray())
            : a.Bytes.SequenceEqual(b.Bytes) ? null : $"{at}: tensor bytes differ";
    }

    private static string? ValueInfoDiff(string at, ValueInfo a, ValueInfo b) =>
        Cmp(at + ".name", a.Name, b.Name) ?? Cmp(at + ".doc_string", a.DocString, b.DocString) ?? TypeDiff($"{at}('{a.Name}').type", a.Type, b.Type);

    private static string? TypeDiff(string at, TypeInfo a, TypeInfo b) => a.Equals(b) ? null : $"{at}: {a} != {b}";

    private static string? Cmp<T>(string at, T a, T b) => EqualityComparer<T>.Default.Equals(a, b) ? null : $"{at}: '{a}' != '{b}'";

    private static string? Seq<T>(string at, IReadOnlyList<T> a, IReadOnlyList<T> b)
    {
        if (a.Count != b.Count)
        {
            return $"{at}: {a.Count} items != {b.Count} items";
        }
        for (int i = 0; i < a.Count; i++)
        {
            if (!EqualityComparer<T>.Default.Equals(a[i], b[i]))
            {
                return $"{at}[{i}]: '{a[i]}' != '{b[i]}'";
            }
        }
        return null;
    }

    private static string? List<T>(string at, IReadOnlyList<T> a, IReadOnlyList<T> b, Func<string, T, T, string?> diff)
    {
        if (a.Count != b.Count)
        {
            return $"{at}: {a.Count} items != {b.Count} items";
        }
        for (int i = 0; i < a.Count; i++)
        {
            var d = diff($"{at}[{i}]", a[i], b[i]);
            if (d is not null)
            {
                return d;
            }
        }
        return null;
    }

    private static string? Opt<T>(string at, T? a, T? b, Func<string, T, T, string?> diff) where T : class =>
        a is null || b is null ? (a is null && b is null ? null : $"{at}: one side is null") : diff(at, a, b);

    private static string? Dict<TV>(string at, Dictionary<string, TV> a, Dictionary<string, TV> b)
    {
        if (a.Count != b.Count)
        {
            return $"{at}: {a.Count} entries != {b.Count} entries";
        }
        foreach (var kv in a)
        {
            if (!b.TryGetValue(kv.Key, out var v) || !EqualityComparer<TV>.Default.Equals(kv.Value, v))
            {
                return $"{at}['{kv.Key}']: '{kv.Value}' != '{v}'";
            }
        }
        return null;
    }
}
