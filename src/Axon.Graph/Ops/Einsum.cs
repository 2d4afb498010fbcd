using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// Einsum: each output letter takes its dim from the inputs; "..." broadcasts the inputs' ellipsis dims. Without
/// "->" the output is "..." followed by the letters used once, in alphabetical order.
/// </summary>
[Schema("Einsum")]
internal sealed class Einsum : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["equation"] = AttrKind.String };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        string eq = ctx.String("equation", "").Replace(" ", "", StringComparison.Ordinal);
        DType t = ctx.ElemType(0);
        var parts = eq.Split("->");
        var terms = parts[0].Split(',');
        if (terms.Length != ctx.InputCount)
        {
            return ctx.Fail($"equation '{eq}' has {terms.Length} terms for {ctx.InputCount} inputs");
        }
        var letters = new Dictionary<char, Dim>();
        var counts = new Dictionary<char, int>();
        var ellipses = new List<SymShape>();
        for (int i = 0; i < terms.Length; i++)
        {
            var s = ctx.Shape(i);
            if (!s.HasRank)
            {
                return ctx.One(t, SymShape.UnknownRank);
            }
            string term = terms[i];
            int ell = term.IndexOf("...", StringComparison.Ordinal);
            string plain = term.Replace("...", "", StringComparison.Ordinal);
            int ellRank = s.Rank - plain.Length;
            if (ellRank < 0 || (ell < 0 && ellRank != 0))
            {
                return ctx.Fail($"term '{term}' does not fit input {i} of shape {s}");
            }
            int pos = 0;
            for (int c = 0; c < term.Length; c++)
            {
                if (c == ell)
                {
                    ellipses.Add(new SymShape(s.Dims.Skip(pos).Take(ellRank)));
                    pos += ellRank;
                    c += 2;
                    continue;
                }
                char l = term[c];
                Dim d = s[pos++];
                counts[l] = counts.GetValueOrDefault(l) + 1;
                letters[l] = letters.TryGetValue(l, out var prev) && (prev.IsKnown && prev.Value != 1 || !d.IsKnown) ? prev : d;
            }
        }
        var ellShape = ShapeMath.Broadcast(ellipses, out string? err);
        if (ellShape is null)
        {
            return ctx.Fail(err!);
        }
        string output = parts.Length > 1 ? parts[1]
            : (ellipses.Count > 0 ? "..." : "") + new string(counts.Where(kv => kv.Value == 1).Select(kv => kv.Key).Order().ToArray());
        var dims = new List<Dim>();
        for (int c = 0; c < output.Length; c++)
        {
            if (string.CompareOrdinal(output, c, "...", 0, 3) == 0)
            {
                if (!ellShape.HasRank)
                {
                    return ctx.One(t, SymShape.UnknownRank);
                }
                dims.AddRange(ellShape.Dims);
                c += 2;
                continue;
            }
            if (!letters.TryGetValue(output[c], out var d))
            {
                return ctx.Fail($"output letter '{output[c]}' appears in no input");
            }
            dims.Add(d);
        }
        return ctx.One(t, dims);
    }

    /// <summary>Not modelled yet (it would be 2 FLOPs per point of the full index space): unknown rather than wrong.</summary>
    public OpCost Cost(CostContext ctx) => ctx.Memory(SymExpr.Unknown);
}
