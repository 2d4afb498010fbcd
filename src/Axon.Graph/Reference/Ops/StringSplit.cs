namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Splits each string on a delimiter (or on runs of whitespace when the delimiter is empty or unset), making at most
/// maxsplit splits. Y gains a last axis padded with empty strings to the longest split; Z counts each element's pieces.
/// </summary>
[Op("StringSplit")]
internal sealed class StringSplit : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.DType != DType.String)
        {
            throw ctx.Error($"input must be strings, got {x}");
        }
        string delim = ctx.String("delimiter", "");
        long maxSplit = ctx.Node.HasAttr("maxsplit") ? ctx.Int("maxsplit", -1) : -1;
        var pieces = new List<string>[x.Length];
        var src = x.Strings;
        int width = 0;
        for (int i = 0; i < pieces.Length; i++)
        {
            pieces[i] = Split(src[i], delim, maxSplit);
            width = Math.Max(width, pieces[i].Count);
        }
        var y = new string[x.Length * width];
        Array.Fill(y, string.Empty);
        var z = new long[x.Length];
        for (int i = 0; i < pieces.Length; i++)
        {
            z[i] = pieces[i].Count;
            for (int k = 0; k < pieces[i].Count; k++)
            {
                y[i * width + k] = pieces[i][k];
            }
        }
        return [Tensor.FromStrings(y, [.. x.Shape, width]), Tensor.FromInt64s(DType.Int64, z, x.Shape)];
    }

    private static List<string> Split(string s, string delim, long maxSplit)
    {
        var r = new List<string>();
        if (delim.Length == 0)
        {
            // Whitespace mode (like Python's str.split()): runs of whitespace separate, ends are trimmed.
            int i = 0;
            while (true)
            {
                while (i < s.Length && char.IsWhiteSpace(s[i]))
                {
                    i++;
                }
                if (i >= s.Length)
                {
                    break;
                }
                if (maxSplit >= 0 && r.Count == maxSplit)
                {
                    r.Add(s[i..]);
                    break;
                }
                int j = i;
                while (j < s.Length && !char.IsWhiteSpace(s[j]))
                {
                    j++;
                }
                r.Add(s[i..j]);
                i = j;
            }
            return r;
        }
        int start = 0;
        while (true)
        {
            int at = maxSplit >= 0 && r.Count == maxSplit ? -1 : s.IndexOf(delim, start, StringComparison.Ordinal);
            if (at < 0)
            {
                r.Add(s[start..]);
                return r;
            }
            r.Add(s[start..at]);
            start = at + delim.Length;
        }
    }
}
