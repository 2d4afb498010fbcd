namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Counts the pool's n-grams (lengths min_gram_length..max_gram_length, with 0..max_skip_count items skipped between
/// consecutive tokens) in each row of a [C] or [N, C] input, and writes TF, IDF (presence × weight) or TFIDF
/// (count × weight) at each n-gram's ngram_indexes coordinate.
/// </summary>
[Op("TfIdfVectorizer")]
internal sealed class TfIdfVectorizer : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Rank is not (1 or 2))
        {
            throw ctx.Error($"input must be [C] or [N, C], got {x}");
        }
        int minN = (int)ctx.Int("min_gram_length", 1);
        int maxN = (int)ctx.Int("max_gram_length", 1);
        int maxSkip = (int)ctx.Int("max_skip_count", 0);
        string mode = ctx.String("mode", "TF");
        var counts = ctx.Ints("ngram_counts") ?? throw ctx.Error("missing ngram_counts");
        var indexes = ctx.Ints("ngram_indexes") ?? throw ctx.Error("missing ngram_indexes");
        var weights = ctx.Floats("weights");
        var poolStrings = ctx.Node.GetStrings("pool_strings");
        var poolInts = ctx.Ints("pool_int64s");
        string[] pool = poolStrings ?? poolInts?.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            ?? throw ctx.Error("needs pool_strings or pool_int64s");
        string[] tokens = x.DType == DType.String
            ? x.Strings.ToArray()
            : x.ToInt64s().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

        // Map each pool n-gram (keyed by its length and tokens) to its position in the n-gram list.
        var lookup = new Dictionary<string, int>(StringComparer.Ordinal);
        int ngramNo = 0;
        for (int k = 0; k < counts.Length; k++)
        {
            int n = k + 1;
            int start = (int)counts[k];
            int end = k + 1 < counts.Length ? (int)counts[k + 1] : pool.Length;
            for (int p = start; p + n <= end; p += n)
            {
                lookup[Key(pool.AsSpan(p, n))] = ngramNo++;
            }
        }
        if (ngramNo != indexes.Length)
        {
            throw ctx.Error($"the pool holds {ngramNo} n-grams but ngram_indexes has {indexes.Length} entries");
        }
        int width = indexes.Length == 0 ? 0 : (int)indexes.Max() + 1;
        int rows = x.Rank == 1 ? 1 : x.Shape[0];
        int cols = x.Shape[^1];
        var y = new double[rows * width];
        var gram = new string[maxN];
        for (int r = 0; r < rows; r++)
        {
            var cnt = new long[indexes.Length];
            for (int n = Math.Max(minN, 1); n <= maxN; n++)
            {
                // Unigrams have nothing to skip between tokens: count them once, not once per skip value.
                int skips = n == 1 ? 0 : maxSkip;
                for (int s = 0; s <= skips; s++)
                {
                    int stride = s + 1;
                    for (int start = 0; start + (n - 1) * stride < cols; start++)
                    {
                        for (int q = 0; q < n; q++)
                        {
                            gram[q] = tokens[r * cols + start + q * stride];
                        }
                        if (lookup.TryGetValue(Key(gram.AsSpan(0, n)), out int id))
                        {
                            cnt[id]++;
                        }
                    }
                }
            }
            for (int id = 0; id < cnt.Length; id++)
            {
                double w = weights is { Length: > 0 } ? weights[id] : 1;
                double v = mode switch
                {
                    "TF" => cnt[id],
                    "IDF" => cnt[id] > 0 ? w : 0,
                    "TFIDF" => cnt[id] * w,
                    _ => throw ctx.Error($"mode '{mode}' is not TF, IDF or TFIDF"),
                };
                y[r * width + indexes[id]] += v;
            }
        }
        int[] shape = x.Rank == 1 ? [width] : [rows, width];
        return [Tensor.FromDoubles(DType.Float32, y, shape)];
    }

    private static string Key(ReadOnlySpan<string> tokens) => tokens.Length + "\u0001" + string.Join("\u0001", tokens.ToArray());
}
