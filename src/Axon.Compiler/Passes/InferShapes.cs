using Axon.Graph;
using Axon.Graph.Analysis;

namespace Axon.Compiler.Passes;

/// <summary>
/// Annotates every intermediate value with its inferred type (symbolic dims included) so later passes can decide
/// shape-dependent rewrites: Cast to the same type, Reshape/Expand that change nothing. Rewrites keep each value name's
/// meaning, so the annotations stay valid through the rest of the pipeline. Graph inputs and outputs are left as declared.
/// </summary>
public sealed class InferShapes : PassBase
{
    public override string Name => "infer-shapes";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var model = new Model(graph);
        model.OpsetImports.Clear();
        foreach (var kv in context.OpsetImports)
        {
            model.OpsetImports[kv.Key] = kv.Value;
        }
        InferenceResult result;
        try
        {
            result = ShapeInference.Infer(model);
        }
        catch (AxonException)
        {
            // Inference is an optimization aid: a model it cannot follow is compiled without the annotations.
            context.Count(Name, "inference-failed");
            return graph;
        }
        var io = new HashSet<string>(graph.Inputs.Select(i => i.Name).Concat(graph.Outputs.Select(o => o.Name)), StringComparer.Ordinal);
        Axon.Graph.Graph? r = null;
        foreach (var n in graph.Nodes)
        {
            foreach (var o in n.Outputs)
            {
                if (o.Length == 0 || io.Contains(o) || !result.Types.TryGetValue(o, out var t) || t.Kind == TypeKind.Unknown)
                {
                    continue;
                }
                if (graph.ValueInfos.TryGetValue(o, out var known) && known.Type.Equals(t))
                {
                    continue;
                }
                r ??= graph.Clone();
                r.ValueInfos[o] = new ValueInfo(o, t);
                context.Count(Name, "values-typed");
            }
        }
        return r ?? graph;
    }
}
