using Axon.Graph;
using Axon.Runtime.Precision;

namespace Axon.Runtime.Perf;

/// <summary>
/// Real request data for <c>axon perf --inputs DIR</c>: the sample folder layout <c>axon compare</c> and
/// <c>axon quantize --calibration</c> read (one sub-folder per sample, one <c>&lt;input name&gt;.npy</c> per model
/// input), checked against the model's signature, its rows pooled per input and cut into requests of a point's batch
/// size, cycling through the samples.
/// </summary>
public sealed class SampleFeeds
{
    /// <summary>The most distinct requests built per point (the pool cycles beyond that).</summary>
    public const int MaxDistinctRequests = 256;

    private readonly Dictionary<string, Tensor> _rows;

    private SampleFeeds(Dictionary<string, Tensor> rows, int rowCount, int samples)
    {
        _rows = rows;
        Rows = rowCount;
        Samples = samples;
    }

    /// <summary>Rows (dim 0 entries) over all samples.</summary>
    public int Rows { get; }

    /// <summary>Sample folders read.</summary>
    public int Samples { get; }

    /// <summary>Reads and checks the sample folder: missing files (AXQ001/AXQ002), extra files (AXP010), wrong types (AXP011),
    /// wrong ranks or fixed dims (AXP012), samples that cannot be batched together (AXP013).</summary>
    public static SampleFeeds Load(string dir, IReadOnlyList<ValueInfo> inputs)
    {
        CheckExtraFiles(dir, inputs);
        var set = SampleSet.Load(dir, inputs);
        var pooled = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        int rows = 0;
        foreach (var vi in inputs)
        {
            var parts = new List<Tensor>();
            for (int s = 0; s < set.Samples.Count; s++)
            {
                var t = set.Samples[s][vi.Name];
                Check(vi, t, set.Names[s]);
                if (parts.Count > 0 && !parts[0].Shape.AsSpan(1).SequenceEqual(t.Shape.AsSpan(1)))
                {
                    throw new AxonInputException($"sample '{set.Names[s]}': '{vi.Name}.npy' is [{string.Join(",", t.Shape)}] but sample '{set.Names[0]}' has " +
                        $"[{string.Join(",", parts[0].Shape)}]; samples are batched along dim 0, so every other dim must agree", "AXP013");
                }
                parts.Add(t);
            }
            for (int s = 0; s < set.Samples.Count && pooled.Count > 0; s++)
            {
                var other = pooled.Keys.First();
                if (set.Samples[s][other].Shape[0] != parts[s].Shape[0])
                {
                    throw new AxonInputException($"sample '{set.Names[s]}': '{vi.Name}.npy' has {parts[s].Shape[0]} rows but '{other}.npy' has " +
                        $"{set.Samples[s][other].Shape[0]}; every input of a sample needs the same dim 0", "AXP013");
                }
            }
            pooled[vi.Name] = TensorBlocks.ConcatRows(parts);
            rows = pooled[vi.Name].Shape[0];
        }
        return new SampleFeeds(pooled, rows, set.Samples.Count);
    }

    /// <summary>Requests of <paramref name="batch"/> rows each, the i-th starting at row i·batch of the pool (wrapping).</summary>
    public Dictionary<string, Tensor>[] Requests(int batch, int atLeast = 1)
    {
        int n = Math.Clamp(Math.Max((Rows + batch - 1) / batch, atLeast), 1, MaxDistinctRequests);
        var requests = new Dictionary<string, Tensor>[n];
        for (int i = 0; i < n; i++)
        {
            int start = (int)((long)i * batch % Rows);
            requests[i] = _rows.ToDictionary(kv => kv.Key, kv => Take(kv.Value, start, batch), StringComparer.Ordinal);
        }
        return requests;
    }

    private Tensor Take(Tensor t, int start, int count)
    {
        if (start + count <= Rows)
        {
            return TensorBlocks.Rows(t, start, count).Clone();
        }
        var parts = new List<Tensor>();
        while (count > 0)
        {
            int n = Math.Min(count, Rows - start);
            parts.Add(TensorBlocks.Rows(t, start, n));
            count -= n;
            start = 0;
        }
        return TensorBlocks.ConcatRows(parts);
    }

    private static void Check(ValueInfo vi, Tensor t, string sample)
    {
        if (vi.Type.ElemType != t.DType)
        {
            throw new AxonInputException($"sample '{sample}': '{vi.Name}.npy' holds {t.DType.OnnxName()} but model input '{vi.Name}' is {vi.Type.ElemType.OnnxName()}", "AXP011");
        }
        if (!vi.Type.Shape.HasRank)
        {
            return;
        }
        var dims = vi.Type.Shape.Dims;
        string want = "[" + string.Join(",", dims.Select(d => d.IsKnown ? d.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.Symbol ?? "?")) + "]";
        if (t.Shape.Length != dims.Count || t.Shape.Length == 0 || t.Shape[0] == 0)
        {
            throw new AxonInputException($"sample '{sample}': '{vi.Name}.npy' is [{string.Join(",", t.Shape)}] but model input '{vi.Name}' is {want} " +
                "(a sample needs the input's rank and at least one row)", "AXP012");
        }
        for (int i = 1; i < dims.Count; i++)
        {
            if (dims[i].IsKnown && dims[i].Value != t.Shape[i])
            {
                throw new AxonInputException($"sample '{sample}': '{vi.Name}.npy' is [{string.Join(",", t.Shape)}] but model input '{vi.Name}' is {want} (dim {i} differs)", "AXP012");
            }
        }
    }

    private static void CheckExtraFiles(string dir, IReadOnlyList<ValueInfo> inputs)
    {
        if (!Directory.Exists(dir))
        {
            return; // SampleSet names the missing folder.
        }
        var names = inputs.Select(i => i.Name + ".npy").ToHashSet(StringComparer.Ordinal);
        var folders = Directory.EnumerateDirectories(dir).ToList();
        if (folders.Count == 0)
        {
            folders.Add(dir);
        }
        foreach (var f in folders)
        {
            var extra = Directory.EnumerateFiles(f, "*.npy").Select(Path.GetFileName).Where(n => !names.Contains(n!)).Order(StringComparer.Ordinal).ToList();
            if (extra.Count > 0)
            {
                throw new AxonInputException($"sample '{Path.GetFileName(f)}' has {string.Join(", ", extra)}, which the model does not take " +
                    $"(its inputs: {string.Join(", ", inputs.Select(i => i.Name))})", "AXP010");
            }
        }
    }
}
