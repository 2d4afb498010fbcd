using System.Numerics;

namespace Axon.Graph.Reference.Ops;

/// <summary>
/// General Einstein summation: explicit or implicit output, ellipsis with broadcasting, repeated labels within an operand
/// (diagonals) and any number of operands. Every distinct label becomes one loop; an operand's stride for a label is the
/// sum of the strides of its dims carrying that label, which is what makes diagonals fall out.
/// </summary>
[Op("Einsum")]
internal sealed class Einsum : IReferenceOp
{
    private const char EllipsisBase = '\u0100';

    public IValue?[] Run(OpContext ctx)
    {
        string eq = ctx.String("equation", "").Replace(" ", "");
        var ops = Enumerable.Range(0, ctx.InputCount).Select(ctx.Input).ToArray();
        var arrow = eq.IndexOf("->", StringComparison.Ordinal);
        var lhs = arrow >= 0 ? eq[..arrow] : eq;
        var terms = lhs.Split(',');
        if (terms.Length != ops.Length)
        {
            throw ctx.Error($"equation '{eq}' names {terms.Length} operands but {ops.Length} inputs are given");
        }
        var sizes = new Dictionary<char, int>();
        var opLabels = new string[ops.Length];
        int ellRank = 0;
        for (int t = 0; t < ops.Length; t++)
        {
            opLabels[t] = Expand(ctx, terms[t], ops[t].Rank, out int er);
            ellRank = Math.Max(ellRank, er);
        }
        for (int t = 0; t < ops.Length; t++)
        {
            for (int d = 0; d < opLabels[t].Length; d++)
            {
                char c = opLabels[t][d];
                int n = ops[t].Shape[d];
                if (!sizes.TryGetValue(c, out int old) || old == 1)
                {
                    sizes[c] = n;
                }
                else if (n != old && !(n == 1 && c >= EllipsisBase))
                {
                    throw ctx.Error($"label '{c}' has sizes {old} and {n}");
                }
            }
        }
        string outLabels;
        if (arrow >= 0)
        {
            var rhs = eq[(arrow + 2)..];
            outLabels = rhs.Contains("...", StringComparison.Ordinal)
                ? rhs.Replace("...", EllLabels(ellRank))
                : rhs;
            if (outLabels.Distinct().Count() != outLabels.Length || outLabels.Any(c => !sizes.ContainsKey(c)))
            {
                throw ctx.Error($"output '{rhs}' repeats a label or uses one that no input has");
            }
        }
        else
        {
            // Implicit mode: ellipsis dims first, then the labels seen exactly once, in alphabetical order.
            var counts = opLabels.SelectMany(s => s).Where(c => c < EllipsisBase).GroupBy(c => c).Where(g => g.Count() == 1).Select(g => g.Key).OrderBy(c => c);
            outLabels = EllLabels(ellRank) + new string(counts.ToArray());
        }
        var all = outLabels + new string(sizes.Keys.Where(c => !outLabels.Contains(c)).ToArray());
        var dims = all.Select(c => sizes[c]).ToArray();
        var strides = new int[ops.Length][];
        for (int t = 0; t < ops.Length; t++)
        {
            var st = Tensor.StridesOf(ops[t].Shape);
            strides[t] = new int[all.Length];
            for (int d = 0; d < opLabels[t].Length; d++)
            {
                int li = all.IndexOf(opLabels[t][d]);
                // A broadcast (size-1) ellipsis dim never advances.
                if (ops[t].Shape[d] != 1 || dims[li] == 1)
                {
                    strides[t][li] += st[d];
                }
            }
        }
        var outShape = dims[..outLabels.Length];
        var dt = ops[0].DType;
        if (dt.IsInteger())
        {
            var r = Contract(ops.Select(o => o.ToInt64s()).ToArray(), strides, dims, outLabels.Length);
            return [Tensor.FromInt64s(dt, r, outShape)];
        }
        var rd = Contract(ops.Select(o => o.ToDoubles()).ToArray(), strides, dims, outLabels.Length);
        return [Tensor.FromDoubles(dt, rd, outShape)];
    }

    /// <summary>Labels for the last <paramref name="n"/> ellipsis dims: right-aligned so operands broadcast like NumPy.</summary>
    private static string EllLabels(int n) => new(Enumerable.Range(0, n).Select(i => (char)(EllipsisBase + 64 - n + i)).ToArray());

    /// <summary>The term's labels, one per dim, with "..." replaced by labels for the right-aligned broadcast dims.</summary>
    private static string Expand(OpContext ctx, string term, int rank, out int ellRank)
    {
        int e = term.IndexOf("...", StringComparison.Ordinal);
        ellRank = 0;
        if (e < 0)
        {
            if (term.Length != rank || !term.All(char.IsAsciiLetter))
            {
                throw ctx.Error($"term '{term}' does not fit an input of rank {rank}");
            }
            return term;
        }
        string rest = term.Remove(e, 3);
        ellRank = rank - rest.Length;
        if (ellRank < 0 || !rest.All(char.IsAsciiLetter))
        {
            throw ctx.Error($"term '{term}' does not fit an input of rank {rank}");
        }
        return term[..e] + EllLabels(ellRank) + term[(e + 3)..];
    }

    private static T[] Contract<T>(T[][] ops, int[][] strides, int[] dims, int outRank) where T : INumber<T>
    {
        int total = Tensor.CheckedLength(dims);
        int outSize = Tensor.CheckedLength(dims.AsSpan(0, outRank));
        var r = new T[outSize];
        if (total == 0)
        {
            return r;
        }
        int inner = total / Math.Max(outSize, 1);
        var idx = new int[dims.Length];
        var off = new int[ops.Length];
        for (int o = 0; o < outSize; o++)
        {
            T acc = T.Zero;
            for (int s = 0; s < inner; s++)
            {
                T p = T.One;
                for (int t = 0; t < ops.Length; t++)
                {
                    p *= ops[t][off[t]];
                }
                acc += p;
                // Advance the odometer over all labels (the summed labels are the fastest).
                for (int d = dims.Length - 1; d >= 0; d--)
                {
                    idx[d]++;
                    for (int t = 0; t < ops.Length; t++)
                    {
                        off[t] += strides[t][d];
                    }
                    if (idx[d] < dims[d])
                    {
                        break;
                    }
                    for (int t = 0; t < ops.Length; t++)
                    {
                        off[t] -= strides[t][d] * dims[d];
                    }
                    idx[d] = 0;
                }
            }
            r[o] = acc;
        }
        return r;
    }
}
