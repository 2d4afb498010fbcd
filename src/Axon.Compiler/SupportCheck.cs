using Axon.Graph;
using Axon.Graph.Reference;

namespace Axon.Compiler;

/// <summary>One operator use Axon cannot run: where it is, what it is, at which opset.</summary>
public sealed record UnsupportedOp(string Node, string Domain, string OpType, long Opset, string Why)
{
    public override string ToString() =>
        $"node '{Node}': {(Domain.Length > 0 ? Domain + ":" : "")}{OpType} at opset {Opset} ({Why})";
}

/// <summary>
/// The check that runs before any pass: walks the whole model (subgraphs included) and collects every operator use
/// that has no implementation, so the user sees all of them at once instead of one per attempt.
/// </summary>
public static class SupportCheck
{
    public static IReadOnlyList<UnsupportedOp> Find(Model model)
    {
        var found = new List<UnsupportedOp>();
        void Walk(Axon.Graph.Graph g)
        {
            foreach (var n in g.Nodes)
            {
                long opset = model.OpsetFor(n.Domain);
                string name = n.DisplayName;
                if (OpRegistry.Find(n.Domain, n.OpType) is null)
                {
                    found.Add(new UnsupportedOp(name, n.Domain, n.OpType, opset, "no implementation"));
                }
                else if (n.Domain is "" or "ai.onnx" && opset > OperatorVersions.LatestOpset)
                {
                    found.Add(new UnsupportedOp(name, n.Domain, n.OpType, opset, $"opsets up to {OperatorVersions.LatestOpset} are supported"));
                }
                foreach (var sg in n.Subgraphs())
                {
                    Walk(sg);
                }
            }
        }
        Walk(model.Graph);
        return found;
    }

    /// <summary>Throws AXC030 listing every unsupported operator use (node, op, opset).</summary>
    public static void Ensure(Model model)
    {
        var missing = Find(model);
        if (missing.Count > 0)
        {
            throw new AxonCompileException(
                $"{missing.Count} unsupported operator use(s); see 'axon compile --list-operators':\n  " + string.Join("\n  ", missing), "AXC030");
        }
    }

    /// <summary>Every supported operator with its opset range ("1-28"; "1" for Axon's own domain).</summary>
    public static IEnumerable<(string Domain, string Op, string Opsets)> Operators() =>
        OpRegistry.All
            .OrderBy(x => x.Domain, StringComparer.Ordinal).ThenBy(x => x.Op, StringComparer.Ordinal)
            .Select(x => (x.Domain, x.Op, x.Domain.Length == 0
                ? OperatorVersions.Versions.TryGetValue(x.Op, out var v) ? $"{v[0]}-{OperatorVersions.LatestOpset}" : $"1-{OperatorVersions.LatestOpset}"
                : "1"));
}
