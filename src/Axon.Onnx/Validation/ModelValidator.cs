using Axon.Graph;
using G = Axon.Graph;

namespace Axon.Onnx.Validation;

/// <summary>
/// Checks the structural facts every later stage relies on, so a bad model fails at load with a message naming the
/// node or value at fault rather than deep inside execution: every value read is defined (by a graph input, an
/// initializer, an earlier node, or an enclosing scope for subgraphs), nothing is defined twice in one graph, there are
/// no cycles, every graph output is produced, and every node's domain has an opset import.
/// </summary>
public static class ModelValidator
{
    public static void Validate(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ValidateGraph(model, model.Graph, new Scope(null), isMain: true);
    }

    private static void ValidateGraph(Model model, G.Graph g, Scope outer, bool isMain)
    {
        var scope = new Scope(outer);
        foreach (var vi in g.Inputs)
        {
            if (vi.Name.Length == 0)
            {
                throw new AxonModelException($"graph '{g.Name}': an input has no name", "AXON115");
            }
            if (!scope.DefineLocal(vi.Name))
            {
                throw new AxonModelException($"graph '{g.Name}': input '{vi.Name}' is declared twice", "AXON116");
            }
        }
        foreach (var name in g.Initializers.Keys)
        {
            // IR v3 models list initializers among the inputs too: that is one value, not two.
            scope.DefineLocal(name);
        }
        // Throws naming the nodes on a cycle; otherwise gives an order in which producers come first.
        var order = TopologicalOrder.Sort(g);
        foreach (var n in order)
        {
            if (n.OpType.Length == 0)
            {
                throw new AxonModelException($"{n}: has no op_type", "AXON152");
            }
            if (!model.OpsetImports.ContainsKey(n.Domain))
            {
                throw new AxonModelException($"{n}: its domain '{n.Domain}' has no opset import", "AXON117");
            }
            for (int i = 0; i < n.Inputs.Count; i++)
            {
                string name = n.Inputs[i];
                if (name.Length > 0 && !scope.IsVisible(name))
                {
                    throw new AxonModelException($"{n}: input {i} '{name}' is not produced by any node, graph input or initializer", "AXON111");
                }
            }
            foreach (var sg in n.Subgraphs())
            {
                ValidateGraph(model, sg, scope, isMain: false);
            }
            foreach (var o in n.Outputs)
            {
                if (o.Length > 0 && !scope.DefineLocal(o))
                {
                    throw new AxonModelException($"{n}: output '{o}' is already produced by another node, input or initializer", "AXON118");
                }
            }
        }
        foreach (var vi in g.Outputs)
        {
            if (vi.Name.Length == 0)
            {
                throw new AxonModelException($"graph '{g.Name}': an output has no name", "AXON115");
            }
            // Subgraph outputs may pass an outer value straight through; the main graph's must be its own.
            bool produced = isMain ? scope.IsLocal(vi.Name) : scope.IsVisible(vi.Name);
            if (!produced)
            {
                throw new AxonModelException($"graph '{g.Name}': output '{vi.Name}' is never produced", "AXON113");
            }
        }
    }

    /// <summary>Names defined in one graph, chained to the enclosing graphs' names (as visible at the owning node).</summary>
    private sealed class Scope
    {
        private readonly Scope? _parent;
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);

        public Scope(Scope? parent) => _parent = parent;

        public bool DefineLocal(string name) => _names.Add(name);

        public bool IsLocal(string name) => _names.Contains(name);

        public bool IsVisible(string name)
        {
            for (var s = this; s is not null; s = s._parent)
            {
                if (s._names.Contains(name))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
