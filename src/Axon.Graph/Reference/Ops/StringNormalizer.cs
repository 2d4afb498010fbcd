using System.Globalization;

namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Drops stop words from a [C] or [1, C] string tensor, then lower- or upper-cases what is left. When every element is
/// dropped the result is a single empty string ([1] or [1, 1]).
/// </summary>
[Op("StringNormalizer")]
internal sealed class StringNormalizer : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.DType != DType.String || !(x.Rank == 1 || (x.Rank == 2 && x.Shape[0] == 1)))
        {
            throw ctx.Error($"input must be a [C] or [1, C] string tensor, got {x}");
        }
        string action = ctx.String("case_change_action", "NONE");
        bool caseSensitive = ctx.Int("is_case_sensitive", 0) != 0;
        var culture = CultureFor(ctx.String("locale", ""));
        var stop = new HashSet<string>(ctx.Node.GetStrings("stopwords") ?? [],
            caseSensitive ? StringComparer.Ordinal : StringComparer.Create(culture, CompareOptions.IgnoreCase));
        var kept = new List<string>();
        foreach (var s in x.Strings)
        {
            if (stop.Contains(s))
            {
                continue;
            }
            kept.Add(action switch
            {
                "LOWER" => s.ToLower(culture),
                "UPPER" => s.ToUpper(culture),
                "NONE" => s,
                _ => throw ctx.Error($"case_change_action '{action}' is not LOWER, UPPER or NONE"),
            });
        }
        if (kept.Count == 0)
        {
            kept.Add(string.Empty);
        }
        int[] shape = x.Rank == 1 ? [kept.Count] : [1, kept.Count];
        return [Tensor.FromStrings(kept.ToArray(), shape)];
    }

    private static CultureInfo CultureFor(string locale)
    {
        if (locale.Length == 0)
        {
            return CultureInfo.InvariantCulture;
        }
        try
        {
            return CultureInfo.GetCultureInfo(locale.Replace('_', '-'));
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.InvariantCulture;
        }
    }
}
