using System.Globalization;
using System.Text;

namespace Axon.Graph.Text;

/// <summary>
/// Prints graphs in Axon's IR text form, which <see cref="IrParser"/> reads back (print, parse, print is identical):
/// <code>
/// opset ai.onnx=21
/// graph main(%x: f32[batch,3,224,224]) -> (%y: f32[batch,1000]) {
///   %w = const f32[64,3,7,7]
///   %shape = const i64[2] [1,-1]
///   %c: f32[batch,64,112,112] = Conv(%x, %w) {pads=[3,3,3,3], strides=[2,2]}
///   %y = Relu(%c)
/// }
/// </code>
/// Initializers print by shape only unless small (their values are not the point of a graph dump); a type after an
/// output name is a known intermediate type (<see cref="Graph.ValueInfos"/>). Attributes print sorted by name.
/// </summary>
public static class IrPrinter
{
    /// <summary>Constant tensors (initializers, tensor attributes) with at most this many elements print their values.</summary>
    public const int MaxInlineElements = 16;

    public static string Print(Model model)
    {
        var sb = new StringBuilder();
        sb.Append("opset");
        foreach (var kv in model.OpsetImports.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            sb.Append(' ').Append(kv.Key.Length == 0 ? "ai.onnx" : kv.Key).Append('=').Append(kv.Value.ToString(CultureInfo.InvariantCulture));
        }
        sb.Append('\n');
        PrintGraph(sb, model.Graph, "");
        return sb.ToString();
    }

    public static string Print(Graph g)
    {
        var sb = new StringBuilder();
        PrintGraph(sb, g, "");
        return sb.ToString();
    }

    private static void PrintGraph(StringBuilder sb, Graph g, string indent)
    {
        sb.Append("graph ").Append(Name(g.Name)).Append('(');
        sb.AppendJoin(", ", g.Inputs.Select(i => Value(i.Name) + ": " + Type(i.Type)));
        sb.Append(") -> (");
        sb.AppendJoin(", ", g.Outputs.Select(o => Value(o.Name) + ": " + Type(o.Type)));
        sb.Append(") {\n");
        string inner = indent + "  ";
        foreach (var kv in g.Initializers)
        {
            sb.Append(inner).Append(Value(kv.Key)).Append(" = const ").Append(TensorText(kv.Value)).Append('\n');
        }
        foreach (var n in g.Nodes)
        {
            sb.Append(inner);
            PrintNode(sb, n, g, inner);
            sb.Append('\n');
        }
        sb.Append(indent).Append('}');
        if (indent.Length == 0)
        {
            sb.Append('\n');
        }
    }

    private static void PrintNode(StringBuilder sb, Node n, Graph g, string indent)
    {
        if (n.Outputs.Count > 0)
        {
            sb.AppendJoin(", ", n.Outputs.Select(o => o.Length == 0 ? "none"
                : g.ValueInfos.TryGetValue(o, out var vi) ? Value(o) + ": " + Type(vi.Type) : Value(o)));
            sb.Append(" = ");
        }
        if (n.Domain.Length > 0)
        {
            sb.Append(n.Domain).Append("::");
        }
        sb.Append(n.OpType).Append('(');
        sb.AppendJoin(", ", n.Inputs.Select(i => i.Length == 0 ? "none" : Value(i)));
        sb.Append(')');
        if (n.Attributes.Count > 0)
        {
            sb.Append(" {");
            bool first = true;
            foreach (var a in n.Attributes.Values.OrderBy(a => a.Name, StringComparer.Ordinal))
            {
                sb.Append(first ? "" : ", ").Append(Name(a.Name)).Append('=');
                AttrValue(sb, a, indent);
                first = false;
            }
            sb.Append('}');
        }
    }

    private static void AttrValue(StringBuilder sb, Attr a, string indent)
    {
        switch (a.Kind)
        {
            case AttrKind.Int:
                sb.Append(a.I.ToString(CultureInfo.InvariantCulture));
                break;
            case AttrKind.Float:
                sb.Append(Float(a.F));
                break;
            case AttrKind.String:
                sb.Append(Quote(a.StringValue));
                break;
            case AttrKind.Ints:
                sb.Append(a.Ints.Length == 0 ? "ints[]" : "[" + string.Join(",", a.Ints.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]");
                break;
            case AttrKind.Floats:
                sb.Append(a.Floats.Length == 0 ? "floats[]" : "[" + string.Join(",", a.Floats.Select(Float)) + "]");
                break;
            case AttrKind.Strings:
                sb.Append(a.Strings.Length == 0 ? "strings[]" : "[" + string.Join(",", a.Strings.Select(s => Quote(Encoding.UTF8.GetString(s)))) + "]");
                break;
            case AttrKind.Tensor or AttrKind.SparseTensor:
                sb.Append(a.Kind == AttrKind.Tensor ? "tensor " : "sparse ").Append(a.T is null ? "f32[0]" : TensorText(a.T));
                break;
            case AttrKind.Tensors:
                sb.Append("tensors[").AppendJoin(", ", a.Tensors.Select(TensorText)).Append(']');
                break;
            case AttrKind.Graph:
                PrintGraph(sb, a.G!, indent);
                break;
            case AttrKind.Graphs:
                sb.Append("graphs[");
                for (int i = 0; i < a.Graphs.Length; i++)
                {
                    sb.Append(i > 0 ? ", " : "");
                    PrintGraph(sb, a.Graphs[i], indent);
                }
                sb.Append(']');
                break;
            case AttrKind.TypeProto:
                sb.Append("type ").Append(Type(a.Type ?? TypeInfo.Unknown));
                break;
            default:
                sb.Append("types[").AppendJoin(", ", a.Types.Select(Type)).Append(']');
                break;
        }
    }

    /// <summary>A value reference: <c>%name</c>, quoted when the name has characters outside [A-Za-z0-9_./-].</summary>
    public static string Value(string name) => "%" + Name(name);

    internal static string Name(string name) => name.Length > 0 && name.All(IsBareChar) ? name : Quote(name);

    internal static bool IsBareChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-';

    public static string Type(TypeInfo t) => t.Kind switch
    {
        TypeKind.Tensor => t.ElemType.ShortName() + t.Shape,
        TypeKind.Sequence => $"seq<{Type(t.Element ?? TypeInfo.Unknown)}>",
        TypeKind.Optional => $"opt<{Type(t.Element ?? TypeInfo.Unknown)}>",
        _ => "?",
    };

    /// <summary><c>f32[2,3]</c>, followed by the values when small.</summary>
    public static string TensorText(Tensor t)
    {
        var head = t.DType.ShortName() + "[" + string.Join(",", t.Shape) + "]";
        if (t.Length > MaxInlineElements || t.Length == 0)
        {
            return head;
        }
        IEnumerable<string> vals = t.DType switch
        {
            DType.String => t.Strings.ToArray().Select(Quote),
            DType.Float32 => t.ToDoubles().Select(v => Float((float)v)),
            _ when t.DType.IsFloat() => t.ToDoubles().Select(Double),
            _ => t.ToInt64s().Select(v => v.ToString(CultureInfo.InvariantCulture)),
        };
        return head + " [" + string.Join(",", vals) + "]";
    }

    /// <summary>Round-trippable float text that always reads back as a float (has '.', 'e', or is inf/nan).</summary>
    internal static string Float(float f) => FloatText(f.ToString("R", CultureInfo.InvariantCulture), float.IsNaN(f), float.IsInfinity(f), f < 0);

    internal static string Double(double d) => FloatText(d.ToString("R", CultureInfo.InvariantCulture), double.IsNaN(d), double.IsInfinity(d), d < 0);

    private static string FloatText(string s, bool nan, bool inf, bool neg)
    {
        if (nan)
        {
            return "nan";
        }
        if (inf)
        {
            return neg ? "-inf" : "inf";
        }
        return s.Contains('.') || s.Contains('E') || s.Contains('e') ? s : s + ".0";
    }

    internal static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                '\r' => "\\r",
                _ => c.ToString(),
            });
        }
        return sb.Append('"').ToString();
    }
}
