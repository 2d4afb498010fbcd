using Axon.Graph.Ops;
using Axon.Graph.Reference;

namespace Axon.Graph.Analysis;

/// <summary>What inference learned about every value of a graph (subgraph values are not listed).</summary>
public sealed class InferenceResult
{
    public Dictionary<string, TypeInfo> Types { get; } = new(StringComparer.Ordinal);

    /// <summary>Values known before run time: initializers, Constant nodes, and small constant subexpressions folded.</summary>
    public Dictionary<string, Tensor> Constants { get; } = new(StringComparer.Ordinal);

    /// <summary>Integer vectors known symbolically (what <c>Shape(x)</c> holds).</summary>
    public Dictionary<string, Dim[]> DimValues { get; } = new(StringComparer.Ordinal);

    /// <summary>Inconsistencies found (rank mismatches, bad axes, declared types that contradict inference).</summary>
    public List<string> Problems { get; } = [];

    /// <summary>Ops met that have no schema (their outputs are unknown).</summary>
    public SortedSet<string> Unscheduled { get; } = new(StringComparer.Ordinal);

    public TypeInfo TypeOf(string name) => Types.GetValueOrDefault(name) ?? TypeInfo.Unknown;
}

/// <summary>
/// Propagates types through a model in topological order with the operator schemas: symbolic dims (batch, seq) flow
/// through, shape arithmetic (Shape, Gather, Concat, Mul...) is tracked symbolically, small constant subexpressions
/// are folded with the reference ops, and subgraphs (If, Loop) are inferred best-effort. It never throws on a bad
/// model: what it cannot tell is "unknown", and what contradicts itself is listed in <see cref="InferenceResult.Problems"/>.
/// </summary>
public static class ShapeInference
{
    /// <summary>A copy of the model whose main graph carries inferred types for every value in <see cref="Graph.ValueInfos"/>
    /// and refined graph-output types.</summary>
    public static Model Run(Model model)
    {
        var r = Infer(model);
        var g = model.Graph.Clone();
        var io = new HashSet<string>(g.Inputs.Select(i => i.Name).Concat(g.Outputs.Select(o => o.Name)), StringComparer.Ordinal);
        foreach (var n in g.Nodes)
        {
            foreach (var o in n.Outputs)
            {
                if (o.Length > 0 && !io.Contains(o) && r.Types.TryGetValue(o, out var t) && t.Kind != TypeKind.Unknown)
                {
                    g.ValueInfos[o] = new ValueInfo(o, t);
                }
            }
        }
        for (int i = 0; i < g.Outputs.Count; i++)
        {
            var declared = g.Outputs[i];
            if (r.Types.TryGetValue(declared.Name, out var t) && TypeMerge.Refine(declared.Type, t) is { } refined)
            {
                g.Outputs[i] = declared with { Type = refined };
            }
        }
        return CopyWith(model, g);
    }

    /// <summary>
    /// Infers types for the model's main graph. <paramref name="inputValues"/> optionally fixes some runtime inputs
    /// (a model specialized for given shape arguments); <paramref name="foldConstants"/> turns constant folding with
    /// the reference ops on or off (off: answers come from the schemas' rules alone).
    /// </summary>
    public static InferenceResult Infer(Model model, IReadOnlyDictionary<string, Tensor>? inputValues = null, bool foldConstants = true)
    {
        var result = new InferenceResult();
        var engine = new Engine(model, result, foldConstants, inputValues);
        var scope = engine.InferGraph(model.Graph, null, null, isMain: true);
        foreach (var kv in scope.Types)
        {
            result.Types[kv.Key] = kv.Value;
        }
        foreach (var kv in scope.Consts)
        {
            result.Constants[kv.Key] = kv.Value;
        }
        foreach (var kv in scope.Dims)
        {
            result.DimValues[kv.Key] = kv.Value;
        }
        return result;
    }

    internal static Model CopyWith(Model m, Graph g)
    {
        var r = new Model(g)
        {
            IrVersion = m.IrVersion, ProducerName = m.ProducerName, ProducerVersion = m.ProducerVersion, Domain = m.Domain,
            ModelVersion = m.ModelVersion, DocString = m.DocString,
        };
        r.OpsetImports.Clear();
        foreach (var kv in m.OpsetImports)
        {
            r.OpsetImports[kv.Key] = kv.Value;
        }
        foreach (var kv in m.Metadata)
        {
            r.Metadata[kv.Key] = kv.Value;
        }
        r.Functions.AddRange(m.Functions);
        return r;
    }

    internal sealed class Scope(Scope? parent)
    {
        public Dictionary<string, TypeInfo> Types { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Tensor> Consts { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, Dim[]> Dims { get; } = new(StringComparer.Ordinal);

        public TypeInfo? TypeOf(string n) => Types.TryGetValue(n, out var t) ? t : parent?.TypeOf(n);
        public Tensor? ConstOf(string n) => Consts.TryGetValue(n, out var t) ? t : Types.ContainsKey(n) ? null : parent?.ConstOf(n);
        public Dim[]? DimsOf(string n) => Dims.TryGetValue(n, out var t) ? t : Types.ContainsKey(n) ? null : parent?.DimsOf(n);
    }

    private sealed class Engine(Model model, InferenceResult result, bool fold, IReadOnlyDictionary<string, Tensor>? inputValues)
    {
        // Random ops are not folded: their value is not a property of the graph.
        private static readonly HashSet<string> NoFold = new(StringComparer.Ordinal)
        {
            "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Bernoulli", "Multinomial", "Dropout",
        };

        private const int FoldLimit = 1 << 12;

        public Scope InferGraph(Graph g, Scope? parent, TypeInfo?[]? inputTypes, bool isMain)
        {
            var scope = new Scope(parent);
            var inputNames = new HashSet<string>(g.Inputs.Select(i => i.Name), StringComparer.Ordinal);
            for (int i = 0; i < g.Inputs.Count; i++)
            {
                var given = inputTypes is not null && i < inputTypes.Length ? inputTypes[i] : null;
                var declared = g.Inputs[i].Type;
                scope.Types[g.Inputs[i].Name] = given is null ? declared : TypeMerge.Refine(given, declared) ?? given;
                if (isMain && inputValues is not null && inputValues.TryGetValue(g.Inputs[i].Name, out var v))
                {
                    var vt = TypeInfo.Tensor(v.DType, v.SymShape);
                    scope.Types[g.Inputs[i].Name] = TypeMerge.Refine(vt, declared) ?? vt;
                    scope.Consts[g.Inputs[i].Name] = v;
                    if (v.DType.IsInteger() && v.Rank <= 1)
                    {
                        scope.Dims[g.Inputs[i].Name] = v.ToInt64s().Select(ShapeMath.Literal).ToArray();
                    }
                }
            }
            foreach (var kv in g.Initializers)
            {
                if (!inputNames.Contains(kv.Key))
                {
                    scope.Types[kv.Key] = TypeInfo.Tensor(kv.Value.DType, kv.Value.SymShape);
                    scope.Consts[kv.Key] = kv.Value;
                }
            }
            IReadOnlyList<Node> order;
            try
            {
                order = TopologicalOrder.Sort(g);
            }
            catch (AxonModelException e)
            {
                result.Problems.Add(e.Message);
                order = g.Nodes;
            }
            foreach (var node in order)
            {
                InferNode(g, node, scope, isMain);
            }
            return scope;
        }

        private void InferNode(Graph g, Node node, Scope scope, bool isMain)
        {
            int nIn = node.Inputs.Count;
            var types = new TypeInfo?[nIn];
            var consts = new Tensor?[nIn];
            var dims = new Dim[]?[nIn];
            for (int i = 0; i < nIn; i++)
            {
                string name = node.Inputs[i];
                if (name.Length == 0)
                {
                    continue;
                }
                types[i] = scope.TypeOf(name);
                consts[i] = scope.ConstOf(name);
                dims[i] = scope.DimsOf(name);
            }
            long opset = model.OpsetFor(node.Domain);
            var schema = SchemaRegistry.Find(node.Domain, node.OpType);
            var outTypes = Enumerable.Repeat(TypeInfo.Unknown, node.Outputs.Count).ToArray();
            var outConsts = new Tensor?[node.Outputs.Count];
            var outDims = new Dim[]?[node.Outputs.Count];
            if (schema is null)
            {
                result.Unscheduled.Add((node.Domain.Length > 0 ? node.Domain + ":" : "") + node.OpType);
            }
            else
            {
                var ctx = new InferContext(node, opset, types, consts, dims, (sg, ins) => InferSubgraph(sg, ins, scope));
                try
                {
                    var r = schema.InferTypes(ctx);
                    for (int i = 0; i < outTypes.Length && i < r.Length; i++)
                    {
                        outTypes[i] = r[i];
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Inference must not throw on a bad model: a rule that trips is reported and its outputs stay unknown.
                    result.Problems.Add($"{node}: shape rule failed: {e.Message}");
                }
                result.Problems.AddRange(ctx.Problems);
                Array.Copy(ctx.OutputConsts, outConsts, outConsts.Length);
                Array.Copy(ctx.OutputDims, outDims, outDims.Length);
            }
            if (fold && outConsts.All(c => c is null))
            {
                Fold(node, opset, consts, outConsts);
            }
            for (int i = 0; i < node.Outputs.Count; i++)
            {
                string name = node.Outputs[i];
                if (name.Length == 0)
                {
                    continue;
                }
                var t = outTypes[i];
                if (outConsts[i] is { } c)
                {
                    // A folded value is exact: its type wins over the rule's.
                    t = TypeMerge.Refine(TypeInfo.Tensor(c.DType, c.SymShape), t) ?? TypeInfo.Tensor(c.DType, c.SymShape);
                    scope.Consts[name] = c;
                    if (c.DType.IsInteger() && c.Rank <= 1 && outDims[i] is null)
                    {
                        outDims[i] = c.ToInt64s().Select(ShapeMath.Literal).ToArray();
                    }
                }
                if (outDims[i] is { } d)
                {
                    scope.Dims[name] = d;
                }
                // Declared intermediate types (value_info) fill what inference could not tell; graph outputs are
                // left out so that inference can be checked against them.
                if (g.ValueInfos.TryGetValue(name, out var declared) && !(isMain && g.Outputs.Any(o => o.Name == name)))
                {
                    var refined = TypeMerge.Refine(t, declared.Type);
                    if (refined is null)
                    {
                        result.Problems.Add($"{node}: output '{name}' is declared {declared.Type} but infers as {t}");
                    }
                    else
                    {
                        t = refined;
                    }
                }
                scope.Types[name] = t;
            }
        }

        private TypeInfo[] InferSubgraph(Graph sg, TypeInfo?[] inputs, Scope parent)
        {
            var s = InferGraph(sg, parent, inputs, isMain: false);
            return sg.Outputs.Select(o => s.TypeOf(o.Name) is { Kind: not TypeKind.Unknown } t ? TypeMerge.Refine(t, o.Type) ?? t : o.Type).ToArray();
        }

        /// <summary>Evaluates a node whose inputs are all small constants with its reference op.</summary>
        private void Fold(Node node, long opset, Tensor?[] consts, Tensor?[] outConsts)
        {
            if (node.Inputs.Count == 0 || NoFold.Contains(node.OpType) || node.Subgraphs().Any())
            {
                return;
            }
            long total = 0;
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i].Length == 0)
                {
                    continue;
                }
                if (consts[i] is not { } c)
                {
                    return;
                }
                total += c.Length;
            }
            if (total > FoldLimit || OpRegistry.Find(node.Domain, node.OpType) is null)
            {
                return;
            }
            var g = new Graph { Name = "fold" };
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i].Length > 0)
                {
                    g.Initializers[node.Inputs[i]] = consts[i]!;
                }
            }
            g.Nodes.Add(node);
            foreach (var o in node.Outputs.Where(o => o.Length > 0))
            {
                g.Outputs.Add(new ValueInfo(o, TypeInfo.Unknown));
            }
            var m = new Model(g);
            m.OpsetImports.Clear();
            foreach (var kv in model.OpsetImports)
            {
                m.OpsetImports[kv.Key] = kv.Value;
            }
            try
            {
                var outs = new ReferenceExecutor(m).Run(new Dictionary<string, IValue?>());
                var byName = outs.ToDictionary(kv => kv.Key, kv => kv.Value);
                for (int i = 0; i < node.Outputs.Count; i++)
                {
                    if (node.Outputs[i].Length > 0 && byName.GetValueOrDefault(node.Outputs[i]) is Tensor t && t.Length <= FoldLimit)
                    {
                        outConsts[i] = t;
                    }
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Folding is an optimization of inference: a failure just leaves the value unknown.
            }
        }
    }
}
