using Axon.Kernels.Gemm;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Attention;

/// <summary>Shapes and options of one scaled-dot-product attention call.</summary>
public readonly record struct AttentionShape(int Batch, int Heads, int KvHeads, int SeqQ, int SeqK, int HeadDim, int ValueDim)
{
    public void Validate()
    {
        if (Batch < 0 || Heads <= 0 || KvHeads <= 0 || Heads % KvHeads != 0 || SeqQ < 0 || SeqK < 0 || HeadDim <= 0 || ValueDim <= 0)
        {
            throw new ArgumentException($"invalid attention shape {this}");
        }
    }
}

/// <summary>
/// Fused attention: softmax(scale·Q·Kᵀ + mask)·V per (batch, head), processed in tiles of query rows so at most a
/// tile × SeqK block of scores exists at once. Grouped-query attention maps each query head to its KV head.
/// Layout is [batch, heads, seq, dim], contiguous. The additive mask, if given, is [SeqQ, SeqK] shared by all heads
/// or [batch·heads, SeqQ, SeqK] when <paramref name="maskPerHead"/>.
/// </summary>
public static unsafe class FusedAttention
{
    private const int QueryTile = 64;

    public static void Run(AttentionShape s, float* q, float* k, float* v, float* output, float scale, bool causal,
        float* mask = null, bool maskPerHead = false, WorkerPool? pool = null)
    {
        s.Validate();
        var body = new HeadBody { S = s, Q = q, K = k, V = v, O = output, Scale = scale, Causal = causal, Mask = mask, MaskPerHead = maskPerHead };
        (pool ?? WorkerPool.Default).For(s.Batch * s.Heads, body);
    }

    private struct HeadBody : IParallelBody
    {
        public AttentionShape S;
        public float* Q, K, V, O, Mask;
        public float Scale;
        public bool Causal, MaskPerHead;

        public readonly void Invoke(int bh)
        {
            int b = bh / S.Heads;
            int h = bh % S.Heads;
            int kvh = h / (S.Heads / S.KvHeads);
            float* q = Q + (long)bh * S.SeqQ * S.HeadDim;
            float* k = K + ((long)b * S.KvHeads + kvh) * S.SeqK * S.HeadDim;
            float* v = V + ((long)b * S.KvHeads + kvh) * S.SeqK * S.ValueDim;
            float* o = O + (long)bh * S.SeqQ * S.ValueDim;
            float* mask = Mask is null ? null : MaskPerHead ? Mask + (long)bh * S.SeqQ * S.SeqK : Mask;
            int t = S.SeqK;
            // K and V are packed once per (batch, head) into this thread's scratch and reused by every query tile.
            float* kT = ThreadScratch.Floats(ThreadScratch.AttentionKeys, PackedMatrix.PackedFloats(S.HeadDim, t));
            float* vp = ThreadScratch.Floats(ThreadScratch.AttentionValues, PackedMatrix.PackedFloats(t, S.ValueDim));
            PackedMatrix.PackInto(k, S.HeadDim, true, S.HeadDim, t, kT);
            PackedMatrix.PackInto(v, S.ValueDim, false, t, S.ValueDim, vp);
            float* scores = ThreadScratch.Floats(ThreadScratch.AttentionScores, (long)QueryTile * t);
            for (int i0 = 0; i0 < S.SeqQ; i0 += QueryTile)
            {
                int rows = Math.Min(QueryTile, S.SeqQ - i0);
                Sgemm.MultiplyPacked(rows, t, S.HeadDim, Scale, q + (long)i0 * S.HeadDim, S.HeadDim, kT, scores, t);
                for (int r = 0; r < rows; r++)
                {
                    float* row = scores + (long)r * t;
                    int qi = i0 + r;
                    if (mask is not null)
                    {
                        float* m = mask + (long)qi * t;
                        for (int j = 0; j < t; j++)
                        {
                            row[j] += m[j];
                        }
                    }
                    if (Causal)
                    {
                        // Query i sees keys up to i + (SeqK - SeqQ): the usual alignment when a KV cache precedes the queries.
                        int limit = qi + (t - S.SeqQ);
                        for (int j = Math.Max(limit + 1, 0); j < t; j++)
                        {
                            row[j] = float.NegativeInfinity;
                        }
                    }
                    var span = new Span<float>(row, t);
                    Norm.Softmax.Row(span, span);
                }
                Sgemm.MultiplyPacked(rows, S.ValueDim, t, 1f, scores, t, vp, o + (long)i0 * S.ValueDim, S.ValueDim);
            }
        }
    }
}
