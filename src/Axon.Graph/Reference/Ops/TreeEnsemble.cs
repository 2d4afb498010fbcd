namespace Axon.Graph.Reference.Ops;

/// <summary>
/// ai.onnx.ml TreeEnsemble (opset 5): walks every tree from its root for each row of X [N, F], adds each reached leaf's
/// weight to its target, aggregates over trees (AVERAGE 0, SUM 1, MIN 2, MAX 3) and applies post_transform
/// (NONE 0, SOFTMAX 1, LOGISTIC 2, SOFTMAX_ZERO 3, PROBIT 4). Output is [N, n_targets] in X's dtype.
/// </summary>
[Op("TreeEnsemble", Domain = "ai.onnx.ml")]
internal sealed class TreeEnsemble : IReferenceOp
{
    private const int Leq = 0, Lt = 1, Gte = 2, Gt = 3, Eq = 4, Neq = 5, Member = 6;

    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var n = ctx.Node;
        var features = n.GetInts("nodes_featureids") ?? throw ctx.Error("missing nodes_featureids");
        var splits = n.GetTensor("nodes_splits")?.ToDoubles() ?? throw ctx.Error("missing nodes_splits");
        var modes = n.GetTensor("nodes_modes")?.ToInt64s() ?? throw ctx.Error("missing nodes_modes");
        var trueIds = n.GetInts("nodes_truenodeids") ?? throw ctx.Error("missing nodes_truenodeids");
        var trueLeaf = n.GetInts("nodes_trueleafs") ?? throw ctx.Error("missing nodes_trueleafs");
        var falseIds = n.GetInts("nodes_falsenodeids") ?? throw ctx.Error("missing nodes_falsenodeids");
        var falseLeaf = n.GetInts("nodes_falseleafs") ?? throw ctx.Error("missing nodes_falseleafs");
        var missingTrue = n.GetInts("nodes_missing_value_tracks_true") ?? new long[features.Length];
        var roots = n.GetInts("tree_roots") ?? throw ctx.Error("missing tree_roots");
        var leafTargets = n.GetInts("leaf_targetids") ?? throw ctx.Error("missing leaf_targetids");
        var leafWeights = n.GetTensor("leaf_weights")?.ToDoubles() ?? throw ctx.Error("missing leaf_weights");
        int targets = (int)ctx.Int("n_targets", 1);
        long aggregate = ctx.Int("aggregate_function", 1);
        long post = ctx.Int("post_transform", 0);
        var sets = MemberSets(n.GetTensor("membership_values")?.ToDoubles(), modes);

        int rows = x.Rank == 1 ? 1 : x.Shape[0];
        int cols = x.Rank == 1 ? x.Length : x.Length / Math.Max(1, rows);
        var xv = x.ToDoubles();
        var y = new double[rows * targets];
        for (int r = 0; r < rows; r++)
        {
            var acc = new double[targets];
            var seen = new bool[targets];
            foreach (var root in roots)
            {
                long node = root;
                int guard = 0;
                while (true)
                {
                    if (node < 0 || node >= features.Length || ++guard > features.Length + 1)
                    {
                        throw ctx.Error($"tree rooted at {root} reaches bad node {node}");
                    }
                    double v = xv[r * cols + features[node]];
                    bool go = double.IsNaN(v) && missingTrue[node] != 0 || Test((int)modes[node], v, splits[node], sets[node]);
                    bool leaf = (go ? trueLeaf[node] : falseLeaf[node]) != 0;
                    long next = go ? trueIds[node] : falseIds[node];
                    if (!leaf)
                    {
                        node = next;
                        continue;
                    }
                    int t = (int)leafTargets[next];
                    double w = leafWeights[next];
                    acc[t] = !seen[t] ? w : aggregate switch
                    {
                        2 => Math.Min(acc[t], w),
                        3 => Math.Max(acc[t], w),
                        _ => acc[t] + w,
                    };
                    seen[t] = true;
                    break;
                }
            }
            for (int t = 0; t < targets; t++)
            {
                y[r * targets + t] = aggregate == 0 ? acc[t] / roots.Length : acc[t];
            }
            PostTransform(ctx, post, y.AsSpan(r * targets, targets));
        }
        return [Tensor.FromDoubles(x.DType, y, rows, targets)];
    }

    private static bool Test(int mode, double v, double split, HashSet<double>? set) => mode switch
    {
        Leq => v <= split,
        Lt => v < split,
        Gte => v >= split,
        Gt => v > split,
        Eq => v == split,
        Neq => v != split,
        Member => set!.Contains(v),
        _ => throw new AxonModelException($"unknown TreeEnsemble node mode {mode}"),
    };

    /// <summary>membership_values lists one NaN-terminated set per BRANCH_MEMBER node, in node order.</summary>
    private static HashSet<double>?[] MemberSets(double[]? values, long[] modes)
    {
        var sets = new HashSet<double>?[modes.Length];
        int pos = 0;
        for (int i = 0; i < modes.Length; i++)
        {
            if (modes[i] != Member)
            {
                continue;
            }
            var s = new HashSet<double>();
            while (values is not null && pos < values.Length && !double.IsNaN(values[pos]))
            {
                s.Add(values[pos++]);
            }
            pos++;
            sets[i] = s;
        }
        return sets;
    }

    private static void PostTransform(OpContext ctx, long post, Span<double> v)
    {
        switch (post)
        {
            case 0:
                break;
            case 1:
            case 3:
            {
                double max = double.NegativeInfinity;
                foreach (var a in v)
                {
                    max = Math.Max(max, a);
                }
                double sum = 0;
                for (int i = 0; i < v.Length; i++)
                {
                    // SOFTMAX_ZERO leaves exact zeros at zero instead of exponentiating them.
                    v[i] = post == 3 && v[i] == 0 ? 0 : Math.Exp(v[i] - max);
                    sum += v[i];
                }
                for (int i = 0; i < v.Length; i++)
                {
                    v[i] = sum == 0 ? 0 : v[i] / sum;
                }
                break;
            }
            case 2:
                for (int i = 0; i < v.Length; i++)
                {
                    v[i] = 1 / (1 + Math.Exp(-v[i]));
                }
                break;
            case 4:
                for (int i = 0; i < v.Length; i++)
                {
                    v[i] = Math.Sqrt(2) * InverseErf(2 * v[i] - 1);
                }
                break;
            default:
                throw ctx.Error($"unknown post_transform {post}");
        }
    }

    /// <summary>Inverse error function by Newton refinement of a closed-form start (accurate to double precision).</summary>
    private static double InverseErf(double y)
    {
        if (y <= -1)
        {
            return double.NegativeInfinity;
        }
        if (y >= 1)
        {
            return double.PositiveInfinity;
        }
        double a = 0.147;
        double ln = Math.Log(1 - y * y);
        double t = 2 / (Math.PI * a) + ln / 2;
        double x = Math.Sign(y) * Math.Sqrt(Math.Sqrt(t * t - ln / a) - t);
        for (int i = 0; i < 4; i++)
        {
            double err = Erf(x) - y;
            x -= err / (2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x));
        }
        return x;
    }

    private static double Erf(double x)
    {
        // Series for small |x|, continued fraction (via erfc) otherwise; both converge to double precision.
        double ax = Math.Abs(x);
        if (ax < 2.5)
        {
            double sum = 0, term = x;
            for (int n = 0; n < 60; n++)
            {
                sum += term / (2 * n + 1);
                term *= -x * x / (n + 1);
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
        double f = 0;
        for (int n = 60; n >= 1; n--)
        {
            f = n / 2.0 / (ax + f);
        }
        double erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + f);
        return Math.Sign(x) * (1 - erfc);
    }
}
