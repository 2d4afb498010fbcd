using System.Text;
using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// A minimal IR text form for <c>--dump-after</c> until the shared printer (Axon.Graph/Text) lands: one line per node,
/// <c>%y = domain:Op(%a, %b) {attr=value}</c>.
/// </summary>
internal static class IrPrinter
{
    public static string Print(Axon.Graph.Graph g)
    {
        var sb = new StringBuilder();
        sb.Append("graph ").Append(g.Name).Append('(')
            .AppendJoin(", ", g.RuntimeInputs.Select(i => $"%{i.Name}: {i.Type}")).AppendLine(")");
        foreach (var kv in g.Initializers)
        {
            sb.Append("  init %").Append(kv.Key).Append(": ").AppendLine(kv.Value.ToString());
        }
        foreach (var n in g.Nodes)
        {
            sb.Append("  ").Append(Line(n)).AppendLine();
        }
        sb.Append("  return ").AppendJoin(", ", g.Outputs.Select(o => "%" + o.Name)).AppendLine();
        return sb.ToString();
    }

    public static string Line(Node n)
    {
        string outs = string.Join(", ", n.Outputs.Select(o => o.Length == 0 ? "_" : "%" + o));
        string ins = string.Join(", ", n.Inputs.Select(i => i.Length == 0 ? "_" : "%" + i));
        string op = n.Domain.Length > 0 ? $"{n.Domain}:{n.OpType}" : n.OpType;
        string attrs = n.Attributes.Count == 0 ? "" : " {" + string.Join(", ", n.Attributes.Values.Select(a => $"{a.Name}={a}")) + "}";
        return $"{outs} = {op}({ins}){attrs}";
    }
}
