using Axon.Graph;

namespace Axon.Runtime;

/// <summary>
/// A model's shape rules at run time: which inputs/outputs carry the batch on dim 0, the batch profiles it may run at
/// (pad up to the next one, split above the largest) and the bucketed symbolic dims (zero-pad up, slice outputs back).
/// </summary>
internal sealed class ShapeRules
{
    private readonly IReadOnlyList<ValueInfo> _inputs;
    private readonly IReadOnlyList<ValueInfo> _outputs;
    private readonly Dictionary<string, int[]> _buckets;

    public ShapeRules(IReadOnlyList<ValueInfo> inputs, IReadOnlyList<ValueInfo> outputs, int[]? profiles, IReadOnlyDictionary<string, int[]>? buckets)
    {
        _inputs = inputs;
        _outputs = outputs;
        Profiles = profiles is { Length: > 0 } ? [.. profiles.Distinct().Order()] : [];
        if (Profiles.Length > 0 && Profiles[0] < 1)
        {
            throw new AxonException($"batch profiles must be positive, got [{string.Join(",", profiles!)}]", "AXR002");
        }
        _buckets = new(StringComparer.Ordinal);
        foreach (var kv in buckets ?? new Dictionary<string, int[]>())
        {
            if (kv.Value.Length == 0 || kv.Value.Any(v => v < 1))
            {
                throw new AxonException($"buckets for dimension '{kv.Key}' must be positive sizes, got [{string.Join(",", kv.Value)}]", "AXR002");
            }
            _buckets[kv.Key] = [.. kv.Value.Distinct().Order()];
        }
        Batchable = inputs.Count > 0 && inputs.All(i => i.Type.Kind == TypeKind.Tensor && i.Type.Shape.HasRank
            && i.Type.Shape.Rank > 0 && (!i.Type.Shape[0].IsKnown || Profiles.Length > 0));
    }

    /// <summary>Every input has a dim 0 that may vary: requests can be concatenated and split along it.</summary>
    public bool Batchable { get; }

    /// <summary>Sorted batch sizes the model runs at (empty = any).</summary>
    public int[] Profiles { get; }

    /// <summary>Symbol -> sorted sizes.</summary>
    public IReadOnlyDictionary<string, int[]> Buckets => _buckets;

    /// <summary>Rows of a request (dim 0, the same on every input), or 1 for a model that does not batch.</summary>
    public int RowsOf(IReadOnlyDictionary<string, Tensor> inputs)
    {
        if (!Batchable)
        {
            return 1;
        }
        int rows = -1;
        foreach (var vi in _inputs)
        {
            int r = inputs[vi.Name].Shape[0];
            if (rows >= 0 && r != rows)
            {
                throw new AxonInputException($"inputs disagree on the batch (dim 0): '{vi.Name}' has {r} rows, another input {rows}", "AXON207");
            }
            rows = r;
        }
        if (rows < 1)
        {
            throw new AxonInputException("a request needs at least one row (dim 0 is 0)", "AXON207");
        }
        return rows;
    }

    /// <summary>Zero-pads every bucketed dim up to its next bucket; returns the original size per padded symbol.</summary>
    public (IReadOnlyDictionary<string, Tensor> Inputs, Dictionary<string, int>? Original) PadBuckets(IReadOnlyDictionary<string, Tensor> inputs)
    {
        if (_buckets.Count == 0)
        {
            return (inputs, null);
        }
        Dictionary<string, int>? original = null;
        Dictionary<string, Tensor>? padded = null;
        foreach (var vi in _inputs)
        {
            var t = inputs[vi.Name];
            if (!vi.Type.Shape.HasRank)
            {
                continue;
            }
            for (int d = 0; d < vi.Type.Shape.Rank; d++)
            {
                if (vi.Type.Shape[d].Symbol is not { } sym || !_buckets.TryGetValue(sym, out var sizes) || (d == 0 && Batchable))
                {
                    continue;
                }
                int size = t.Shape[d];
                int target = Array.Find(sizes, s => s >= size);
                if (target == 0)
                {
                    throw new AxonInputException($"input '{vi.Name}' dimension '{sym}' is {size}, above the largest bucket {sizes[^1]}", "AXR030");
                }
                original ??= new(StringComparer.Ordinal);
                if (original.TryGetValue(sym, out int seen) && seen != size)
                {
                    throw new AxonInputException($"inputs disagree on dimension '{sym}': {seen} and {size} ('{vi.Name}')", "AXON207");
                }
                original[sym] = size;
                if (target != size)
                {
                    padded ??= new Dictionary<string, Tensor>(inputs, StringComparer.Ordinal);
                    padded[vi.Name] = t = TensorBlocks.PadAxis(t, d, target);
                }
            }
        }
        return (padded ?? inputs, original);
    }

    /// <summary>Narrows every output dim whose symbol was bucket-padded back to the request's own size.</summary>
    public Dictionary<string, Tensor> SliceBuckets(Dictionary<string, Tensor> outputs, Dictionary<string, int>? original)
    {
        if (original is null)
        {
            return outputs;
        }
        foreach (var vo in _outputs)
        {
            if (!vo.Type.Shape.HasRank || !outputs.TryGetValue(vo.Name, out var t) || t.Rank != vo.Type.Shape.Rank)
            {
                continue;
            }
            for (int d = 0; d < t.Rank; d++)
            {
                if (vo.Type.Shape[d].Symbol is { } sym && original.TryGetValue(sym, out int size) && t.Shape[d] > size)
                {
                    t = TensorBlocks.NarrowAxis(t, d, size);
                }
            }
            outputs[vo.Name] = t;
        }
        return outputs;
    }

    /// <summary>
    /// Runs <paramref name="rows"/> rows through <paramref name="execute"/> at the profile sizes: split into parts of at
    /// most the largest profile, each zero-padded up to the next profile; outputs with a batch dim are sliced back and
    /// concatenated so the result has exactly <paramref name="rows"/> rows.
    /// </summary>
    public Dictionary<string, Tensor> RunRows(IReadOnlyDictionary<string, Tensor> inputs, int rows, Func<IReadOnlyDictionary<string, Tensor>, int, Dictionary<string, Tensor>> execute)
    {
        if (!Batchable || Profiles.Length == 0 || Array.IndexOf(Profiles, rows) >= 0)
        {
            return execute(inputs, rows);
        }
        var parts = new List<Dictionary<string, Tensor>>();
        int max = Profiles[^1];
        for (int start = 0; start < rows;)
        {
            int count = Math.Min(max, rows - start);
            int size = Array.Find(Profiles, p => p >= count);
            var part = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var vi in _inputs)
            {
                var t = inputs[vi.Name];
                var slice = start == 0 && count == rows ? t : t.SliceOuter(start, count);
                part[vi.Name] = size == count ? slice : TensorBlocks.PadAxis(slice, 0, size);
            }
            var outs = execute(part, count);
            foreach (var key in outs.Keys.ToList())
            {
                if (IsBatched(key, outs[key], size) && size != count)
                {
                    outs[key] = TensorBlocks.NarrowAxis(outs[key], 0, count);
                }
            }
            parts.Add(outs);
            start += count;
        }
        if (parts.Count == 1)
        {
            return parts[0];
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var key in parts[0].Keys)
        {
            var first = parts[0][key];
            result[key] = IsBatched(key, first, Math.Min(max, rows)) ? TensorBlocks.ConcatRows(parts.Select(p => p[key]).ToList()) : first;
        }
        return result;
    }

    /// <summary>An output carries the batch when its declared dim 0 is not a fixed size and its run-time dim 0 is the batch.</summary>
    public bool IsBatched(string output, Tensor t, int batchRows)
    {
        if (!Batchable || t.Rank == 0 || t.Shape[0] != batchRows)
        {
            return false;
        }
        var vo = _outputs.FirstOrDefault(o => o.Name == output);
        return vo is null || !vo.Type.Shape.HasRank || vo.Type.Shape.Rank == 0 || !vo.Type.Shape[0].IsKnown || Profiles.Length > 0;
    }
}
