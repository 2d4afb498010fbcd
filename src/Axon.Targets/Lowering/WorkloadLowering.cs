using Axon.Graph;
using Axon.Graph.Analysis;

namespace Axon.Targets.Lowering;

/// <summary>
/// Lowers an (optimized) graph at one input binding into device-independent work: matrix products with their
/// M/K/N (so tile quantization can be judged per device), vector/scalar passes, data movement and weight sizes.
/// Shapes come from Axon.Graph's shape inference after every symbolic input dimension is bound.
/// </summary>
internal static class WorkloadLowering
{
    private static readonly HashSet<string> FreeOps = new(StringComparer.Ordinal)
    {
        "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Shape", "Size", "Constant", "ConstantOfShape", "Dropout",
    };

    private static readonly HashSet<string> MoveOps = new(StringComparer.Ordinal)
    {
        "Transpose", "Gather", "GatherElements", "GatherND", "Concat", "Slice", "Split", "Pad", "Expand", "Tile", "Resize",
        "DepthToSpace", "SpaceToDepth", "ScatterND", "ScatterElements",
    };

    private static readonly HashSet<string> NormOps = new(StringComparer.Ordinal)
    {
        "LayerNormalization", "LayerNorm", "RMSNormalization", "BatchNormalization", "InstanceNormalization",
        "GroupNormalization", "MeanVarianceNormalization", "LpNormalization",
    };

    private static readonly HashSet<string> TwoInputOps = new(StringComparer.Ordinal)
    {
        "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Mean", "Sum", "Where", "Equal", "Less", "Greater", "LessOrEqual",
        "GreaterOrEqual", "And", "Or", "Xor", "Mod", "PRelu", "BitShift",
    };

    /// <summary>
    /// Binds every symbolic input dimension: the first dimension of an input is the batch; others are looked up by
    /// symbol name in <paramref name="dims"/>, and any symbol containing "seq" falls back to dims["seq"].
    /// </summary>
    public static Model Bind(Model model, int batch, IReadOnlyDictionary<string, long> dims)
    {
        var g = model.Graph.Clone();
        for (int i = 0; i < g.Inputs.Count; i++)
        {
            var vi = g.Inputs[i];
            if (g.Initializers.ContainsKey(vi.Name) || vi.Type.Kind != TypeKind.Tensor || !vi.Type.Shape.HasRank)
            {
                continue;
            }
            var bound = new List<Dim>();
            for (int d = 0; d < vi.Type.Shape.Rank; d++)
            {
                var dim = vi.Type.Shape[d];
                bound.Add(dim.IsKnown ? dim : Dim.Known(Resolve(vi.Name, d, dim.Symbol, batch, dims)));
            }
            g.Inputs[i] = vi with { Type = TypeInfo.Tensor(vi.Type.ElemType, new SymShape(bound)) };
        }
        var m = new Model(g) { IrVersion = model.IrVersion, ProducerName = model.ProducerName };
        foreach (var kv in model.OpsetImports)
        {
            m.OpsetImports[kv.Key] = kv.Value;
        }
        return m;
    }

    private static long Resolve(string input, int axis, string? symbol, int batch, IReadOnlyDictionary<string, long> dims)
    {
        if (symbol is not null && dims.TryGetValue(symbol, out long v))
        {
            return v;
        }
        if (axis == 0)
        {
            return batch;
        }
        if (symbol is not null && symbol.Contains("seq", StringComparison.OrdinalIgnoreCase) && dims.TryGetValue("seq", out long s))
        {
            return s;
        }
        throw new AxonInputException(
            $"input '{input}' dimension {axis} ('{symbol ?? "?"}') is not fixed: pass --dim {symbol ?? "NAME"}=N", "AXT010");
    }

    /// <summary>Lowers a model whose runtime inputs all have static shapes.</summary>
    public static Workload Lower(Model bound)
    {
        var inferred = ShapeInference.Infer(bound);
        var g = bound.Graph;
        long[]? Shape(string name)
        {
            if (name.Length == 0)
            {
                return null;
            }
            var t = inferred.Types.GetValueOrDefault(name) ?? g.TypeOf(name);
            return t is { Kind: TypeKind.Tensor } && t.Shape.IsStatic ? t.Shape.Dims.Select(d => d.Value).ToArray() : null;
        }
        bool IsConst(string name) => name.Length == 0 || g.Initializers.ContainsKey(name) || inferred.Constants.ContainsKey(name);
        long Elems(string name) => Shape(name) is { } s ? s.Aggregate(1L, (a, b) => a * b) : 0;

        var items = new List<WorkItem>();
        foreach (var node in TopologicalOrder.Sort(g))
        {
            if (node.Outputs.All(o => o.Length == 0 || inferred.Constants.ContainsKey(o)))
            {
                continue; // folded at compile time
            }
            var ctx = new NodeView(node, Shape, IsConst, Elems);
            items.AddRange(LowerNode(ctx));
        }
        long weights = g.Initializers.Values.Where(t => t.DType.IsFloat()).Sum(t => (long)t.Length);
        long input = g.RuntimeInputs.Sum(i => Elems(i.Name));
        long output = g.Outputs.Sum(o => Elems(o.Name));
        return new Workload(items, weights, input, output);
    }

    private sealed record NodeView(Node Node, Func<string, long[]?> Shape, Func<string, bool> IsConst, Func<string, long> Elems)
    {
        public string In(int i) => i < Node.Inputs.Count ? Node.Inputs[i] : "";
        public long[]? InShape(int i) => Shape(In(i));
        public long[]? OutShape => Shape(Node.Outputs[0]);
        public long OutElems => Elems(Node.Outputs[0]);
        public long ActivationIn => Node.Inputs.Where(i => !IsConst(i)).Sum(Elems);
        public long ConstIn => Node.Inputs.Where(i => i.Length > 0 && IsConst(i)).Sum(Elems);
        public string Name => Node.DisplayName;
    }

    private static IEnumerable<WorkItem> LowerNode(NodeView v)
    {
        string op = v.Node.OpType;
        var outShape = v.OutShape;
        if (outShape is null)
        {
            // Unknown output shape: count what we can see as one vector pass (reported, never silently dropped).
            return [new WorkItem(v.Name, op, WorkKind.Vector) { VectorElements = v.ActivationIn, VectorPasses = 1, VectorRows = 128, InputElements = v.ActivationIn }];
        }
        return op switch
        {
            "MatMul" or "FusedMatMul" or "MatMulInteger" => [MatMul(v, outShape)],
            "Gemm" or "FusedGemm" => [Gemm(v, outShape)],
            "Conv" or "FusedConv" or "ConvInteger" => [Conv(v, outShape)],
            "Attention" when v.Node.Domain == "axon" => Attention(v, outShape),
            _ when FreeOps.Contains(op) => [new WorkItem(v.Name, op, WorkKind.Free)],
            _ when MoveOps.Contains(op) => [new WorkItem(v.Name, op, WorkKind.Move) { InputElements = v.ActivationIn, OutputElements = v.OutElems, WeightElements = op == "Gather" ? 0 : v.ConstIn }],
            _ => [VectorOp(v, op, outShape)],
        };
    }

    private static WorkItem Epilogue(WorkItem w, NodeView v, int baseInputs)
    {
        // PSUM evacuation applies bias and activation on ScalarE in one pass; a residual input adds a VectorE pass.
        int extra = v.Node.Inputs.Skip(baseInputs).Count(i => i.Length > 0 && !v.IsConst(i));
        return w with
        {
            VectorElements = w.OutputElements,
            ScalarPasses = 1,
            VectorPasses = extra > 0 ? 2 : 0,
            VectorRows = w.Batches * w.M,
            InputElements = w.InputElements + (extra > 0 ? w.OutputElements : 0),
        };
    }

    private static WorkItem MatMul(NodeView v, long[] outShape)
    {
        var a = v.InShape(0) ?? [1, 1];
        var b = v.InShape(1) ?? [1, 1];
        long k = a[^1];
        long n = b.Length >= 2 ? b[^1] : 1;
        bool weightB = v.IsConst(v.In(1));
        long batches = 1, m;
        if (weightB || outShape.Length < 2)
        {
            m = outShape.Length >= 2 ? outShape[..^1].Aggregate(1L, (x, y) => x * y) : 1;
        }
        else
        {
            batches = outShape[..^2].Aggregate(1L, (x, y) => x * y);
            m = outShape[^2];
        }
        var w = new WorkItem(v.Name, v.Node.OpType, WorkKind.Matmul)
        {
            Batches = batches, M = m, K = k, N = n,
            WeightElements = weightB ? v.Elems(v.In(1)) : 0,
            InputElements = v.Elems(v.In(0)) + (weightB ? 0 : v.Elems(v.In(1))),
            OutputElements = v.OutElems,
        };
        return Epilogue(w, v, 3);
    }

    private static WorkItem Gemm(NodeView v, long[] outShape)
    {
        var a = v.InShape(0) ?? [1, 1];
        long k = v.Node.GetInt("transA", 0) != 0 ? a[0] : a[^1];
        var w = new WorkItem(v.Name, v.Node.OpType, WorkKind.Matmul)
        {
            M = outShape[0], K = k, N = outShape.Length > 1 ? outShape[1] : 1,
            WeightElements = v.IsConst(v.In(1)) ? v.Elems(v.In(1)) : 0,
            InputElements = v.Elems(v.In(0)),
            OutputElements = v.OutElems,
        };
        return Epilogue(w, v, 3);
    }

    private static WorkItem Conv(NodeView v, long[] outShape)
    {
        var wShape = v.InShape(1) ?? [outShape[1], 1, 1, 1];
        long group = Math.Max(1, v.Node.GetInt("group", 1));
        long spatial = outShape.Skip(2).Aggregate(1L, (x, y) => x * y);
        long kernel = wShape.Skip(2).Aggregate(1L, (x, y) => x * y);
        var w = new WorkItem(v.Name, v.Node.OpType, WorkKind.Matmul)
        {
            Batches = group,
            M = outShape[0] * spatial,
            K = wShape[1] * kernel,
            N = wShape[0] / group,
            WeightElements = v.Elems(v.In(1)),
            InputElements = v.Elems(v.In(0)),
            OutputElements = v.OutElems,
        };
        return Epilogue(w, v, 3);
    }

    private static IEnumerable<WorkItem> Attention(NodeView v, long[] outShape)
    {
        long heads = Math.Max(1, v.Node.GetInt("num_heads", 1));
        var q = v.InShape(0) ?? outShape;
        var kv = v.InShape(3) ?? q;
        long b = q[0], sq = q[1], e = q[^1], skv = kv[1];
        long hd = outShape[^1], d = hd / heads;
        string n = v.Name;
        WorkItem Proj(string part, int x, int w) => Epilogue(new WorkItem($"{n}/{part}", "Attention." + part, WorkKind.Matmul)
        {
            M = b * (part == "q" ? sq : skv), K = e, N = hd,
            WeightElements = v.Elems(v.In(w)),
            InputElements = v.Elems(v.In(x)),
            OutputElements = b * (part == "q" ? sq : skv) * hd,
        }, v, 99);
        yield return Proj("q", 0, 1);
        yield return Proj("k", 3, 4);
        yield return Proj("v", 6, 7);
        long scores = b * heads * sq * skv;
        yield return new WorkItem($"{n}/qk", "Attention.qk", WorkKind.Matmul)
        {
            Batches = b * heads, M = sq, K = d, N = skv, InputElements = 2 * b * sq * hd, OutputElements = scores,
            VectorElements = scores, ScalarPasses = 1, VectorRows = b * heads * sq,
        };
        yield return new WorkItem($"{n}/softmax", "Attention.softmax", WorkKind.Vector)
        {
            VectorElements = scores, VectorPasses = 3, ScalarPasses = 1, VectorRows = b * heads * sq,
            InputElements = scores, OutputElements = scores,
        };
        yield return new WorkItem($"{n}/pv", "Attention.pv", WorkKind.Matmul)
        {
            Batches = b * heads, M = sq, K = skv, N = d, InputElements = scores + b * skv * hd, OutputElements = b * sq * hd,
            VectorElements = b * sq * hd, ScalarPasses = 1, VectorRows = b * heads * sq,
        };
    }

    private static WorkItem VectorOp(NodeView v, string op, long[] outShape)
    {
        long outElems = v.OutElems;
        long rows = outShape.Length > 1 ? outShape[..^1].Aggregate(1L, (x, y) => x * y) : 1;
        int vec, sca;
        long elems = outElems;
        if (NormOps.Contains(op))
        {
            (vec, sca) = (2, 1); // statistics, aggregate, then normalize with scale/bias fused on ScalarE
        }
        else if (op is "Softmax" or "LogSoftmax")
        {
            (vec, sca) = (3, 1);
        }
        else if (op.StartsWith("Reduce", StringComparison.Ordinal) || op is "GlobalAveragePool" or "GlobalMaxPool" or "ArgMax" or "ArgMin" or "TopK")
        {
            (vec, sca, elems) = (1, 0, v.ActivationIn);
        }
        else if (op is "MaxPool" or "AveragePool" or "LpPool")
        {
            long window = (v.Node.GetInts("kernel_shape") ?? [1]).Aggregate(1L, (x, y) => x * y);
            (vec, sca, elems) = (1, 0, outElems * window);
        }
        else if (TwoInputOps.Contains(op))
        {
            (vec, sca) = (2, 0);
        }
        else
        {
            (vec, sca) = (0, 1); // unary: activation, cast, exp... one ScalarE pass
        }
        return new WorkItem(v.Name, op, WorkKind.Vector)
        {
            VectorElements = elems, VectorPasses = vec, ScalarPasses = sca, VectorRows = Math.Max(1, rows),
            InputElements = v.ActivationIn, OutputElements = outElems, WeightElements = v.ConstIn,
        };
    }
}
