namespace Axon.Runtime;

/// <summary>Builds one batch from several requests (concatenate along dim 0) and hands each caller exactly its rows back.</summary>
internal static class BatchAssembler
{
    /// <summary>The key requests must share to be batched: dtype and every dim but the batch, per input.</summary>
    public static string KeyOf(IReadOnlyList<Axon.Graph.ValueInfo> inputs, IReadOnlyDictionary<string, Tensor> values, bool batchable)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var vi in inputs)
        {
            var t = values[vi.Name];
            sb.Append(t.DType.ShortName()).Append('[');
            for (int d = batchable ? 1 : 0; d < t.Rank; d++)
            {
                sb.Append(t.Shape[d]).Append(',');
            }
            sb.Append(']');
        }
        return sb.ToString();
    }

    /// <summary>The batch's inputs: each input's rows of every request, in request order.</summary>
    public static Dictionary<string, Tensor> Concat(IReadOnlyList<PendingRequest> batch, IReadOnlyList<Axon.Graph.ValueInfo> inputs)
    {
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var vi in inputs)
        {
            result[vi.Name] = batch.Count == 1 ? batch[0].Inputs[vi.Name] : TensorBlocks.ConcatRows(batch.Select(r => r.Inputs[vi.Name]).ToList());
        }
        return result;
    }

    /// <summary>Completes every request with its own rows of the batch outputs (outputs without a batch dim are copied whole).</summary>
    public static void Scatter(IReadOnlyList<PendingRequest> batch, Dictionary<string, Tensor> outputs, int rows, ShapeRules rules)
    {
        int offset = 0;
        foreach (var r in batch)
        {
            var own = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var (name, t) in outputs)
            {
                own[name] = rules.IsBatched(name, t, rows) ? TensorBlocks.Rows(t, offset, r.Rows)
                    : batch.Count == 1 ? t : t.Clone();
            }
            offset += r.Rows;
            r.Complete(rules.SliceBuckets(own, r.Original));
        }
    }
}
