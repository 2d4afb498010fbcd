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
/// Where an attention operand lives in memory: element (b, h, row, col) is at
/// <c>Pointer + b·BatchStride + h·HeadStride + row·RowStride + col</c>. Strides let the kernel read Q, K and V straight
/// out of a fused projection's [B, S, 3·H·D] output and write the heads merged ([B, S, H·D]) with no split or merge copy,
/// and let a mask broadcast (stride 0) over heads or query rows without being expanded.
/// </summary>
public readonly unsafe struct AttentionOperand(float* pointer, long batchStride, long headStride, long rowStride)
{
    public float* Pointer { get; } = pointer;
    public long BatchStride { get; } = batchStride;
    public long HeadStride { get; } = headStride;
    public long RowStride { get; } = rowStride;

    /// <summary>No operand (an absent mask).</summary>
    public static AttentionOperand None => default;

    public bool IsNone => Pointer is null;

    /// <summary>Contiguous [batch, heads, rows, cols].</summary>
    public static AttentionOperand HeadMajor(float* p, int heads, int rows, int cols) =>
        new(p, (long)heads * rows * cols, (long)rows * cols, cols);

    /// <summary>Heads interleaved per row: [batch, rows, ld] with head h at columns [h·cols, (h+1)·cols).</summary>
    public static AttentionOperand TokenMajor(float* p, int rows, int cols, int ld) => new(p, (long)rows * ld, cols, ld);

    internal float* At(int b, int h) => Pointer + b * BatchStride + h * HeadStride;
}

/// <summary>
/// Fused attention: softmax(scale·Q·Kᵀ + mask)·V per (batch, head), processed in tiles of query rows so at most a
/// tile × SeqK block of scores exists at once. Grouped-query attention maps each query head to its KV head. The
/// additive mask is read through strides, so a key-padding mask [B, 1, 1, Sk] is used in place (row stride 0).
/// </summary>
public static unsafe class FusedAttention
{
    private const int QueryTile = 64;

    /// <summary>Head-major operands ([batch, heads, seq, dim], contiguous); the mask is [SeqQ, SeqK] shared by all heads or [batch·heads, SeqQ, SeqK] when <paramref name="maskPerHead"/>.</summary>
    public static void Run(AttentionShape s, float* q, float* k, float* v, float* output, float scale, bool causal,
        float* mask = null, bool maskPerHead = false, WorkerPool? pool = null)
    {
        var m = mask is null ? AttentionOperand.None
            : maskPerHead ? AttentionOperand.HeadMajor(mask, s.Heads, s.SeqQ, s.SeqK) : new AttentionOperand(mask, 0, 0, s.SeqK);
        Run(s, AttentionOperand.HeadMajor(q, s.Heads, s.SeqQ, s.HeadDim), AttentionOperand.HeadMajor(k, s.KvHeads, s.SeqK, s.HeadDim),
            AttentionOperand.HeadMajor(v, s.KvHeads, s.SeqK, s.ValueDim), AttentionOperand.HeadMajor(output, s.Heads, s.SeqQ, s.ValueDim),
            scale, causal, m, pool);
    }

    /// <summary>Attention over strided operands; K and V are indexed by KV head, the mask by query head.</summary>
    public static void Run(AttentionShape s, AttentionOperand q, AttentionOperand k, AttentionOperand v, AttentionOperand output,
        float scale, bool causal, AttentionOperand mask, WorkerPool? pool = null)
    {
        s.Validate();
        if (s.SeqQ == 0)
        {
            return;
        }
        var body = new HeadBody { S = s, Q = q, K = k, V = v, O = output, Mask = mask, Scale = scale, Causal = causal };
        (pool ?? WorkerPool.Default).For(s.Batch * s.Heads, body);
    }

    /// <summary>
    /// Whether a head runs by groups of six query rows on the in-place micro-kernel (vector tiers; a head dimension
    /// the score product takes in one K block, as packed Kᵀ is then one block).
    /// </summary>
    internal static bool RowPath(in AttentionShape s) => MicroKernel.Avx2Path && Sgemm.BlockK(s.HeadDim) >= s.HeadDim;

    /// <summary>Forces the tiled path (tests compare both).</summary>
    internal static bool DisableRowPath { get; set; }

    private struct HeadBody : IParallelBody
    {
        /// <summary>
        /// One head by groups of six query rows: their scores (6 × SeqK, padded to whole panels) from Q read in place
        /// against Kᵀ packed once, exp in place with the scale and mask folded into the max pass, then P·V with P read
        /// in place against V packed once, and each output row scaled by its 1/Σ. The six rows' scores stay in L1 from
        /// the product to P·V, and neither P nor Q is ever copied.
        /// </summary>
        private readonly void RowGroups(int b, int h, int kvh, float* q, float* o, float* mask, int t)
        {
            const int nr = MicroKernel.NR, mr = MicroKernel.MR;
            int panels = (t + nr - 1) / nr;
            int lds = panels * nr;
            float* kT = ThreadScratch.Floats(ThreadScratch.AttentionKeys, PackedMatrix.PackedFloats(S.HeadDim, t));
            KeyPacking.PackTransposed(K.At(b, kvh), checked((int)K.RowStride), S.HeadDim, t, kT);
            float* scores = ThreadScratch.Floats(ThreadScratch.AttentionScores, (long)mr * lds);
            float* inv = stackalloc float[mr];
            // V packed into 16-column panels (K blocks of Sgemm.BlockK(t) keys): measured a little faster than reading
            // it in place through its row stride, and any ValueDim works (the last panel zero-padded).
            float* vp = ThreadScratch.Floats(ThreadScratch.AttentionValues, PackedMatrix.PackedFloats(t, S.ValueDim));
            PackedMatrix.PackInto(V.At(b, kvh), checked((int)V.RowStride), false, t, S.ValueDim, vp);
            int kcBlock = Sgemm.BlockK(t);
            int vPanels = (S.ValueDim + nr - 1) / nr;
            long ldq = Q.RowStride, ldo = O.RowStride;
            for (int i0 = 0; i0 < S.SeqQ; i0 += mr)
            {
                int rows = Math.Min(mr, S.SeqQ - i0);
                float* qi = q + i0 * ldq;
                for (int p = 0; p < panels; p++)
                {
                    MicroKernel.TileStridedA(S.HeadDim, qi, ldq, rows, kT + (long)p * S.HeadDim * nr, nr, scores + p * nr, lds, nr, false);
                }
                for (int r = 0; r < rows; r++)
                {
                    int row = i0 + r;
                    int visible = Causal ? Math.Clamp(row + (t - S.SeqQ) + 1, 0, t) : t;
                    inv[r] = ScoreRow.ScaledExp(scores + r * lds, mask is null ? null : mask + row * Mask.RowStride, t, visible, Scale);
                }
                float* oi = o + i0 * ldo;
                for (int k0 = 0; k0 < t; k0 += kcBlock)
                {
                    int kc = Math.Min(kcBlock, t - k0);
                    float* vBlock = vp + (long)k0 * vPanels * nr;
                    for (int p = 0; p < vPanels; p++)
                    {
                        MicroKernel.TileStridedA(kc, scores + k0, lds, rows, vBlock + (long)p * kc * nr, nr, oi + p * nr, checked((int)ldo),
                            Math.Min(nr, S.ValueDim - p * nr), k0 > 0);
                    }
                }
                for (int r = 0; r < rows; r++)
                {
                    var y = new Span<float>(oi + r * ldo, S.ValueDim);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(y, inv[r], y);
                }
            }
        }

        public AttentionShape S;
        public AttentionOperand Q, K, V, O, Mask;
        public float Scale;
        public bool Causal;

        public readonly void Invoke(int bh)
        {
            int b = bh / S.Heads;
            int h = bh % S.Heads;
            int kvh = h / (S.Heads / S.KvHeads);
            float* q = Q.At(b, h);
            float* o = O.At(b, h);
            float* mask = Mask.IsNone ? null : Mask.At(b, h);
            int t = S.SeqK;
            if (t == 0)
            {
                // softmax over no keys: the reference yields an empty sum, so the output is zero.
                for (int r = 0; r < S.SeqQ; r++)
                {
                    new Span<float>(o + r * O.RowStride, S.ValueDim).Clear();
                }
                return;
            }
            if (RowPath(S) && !DisableRowPath)
            {
                RowGroups(b, h, kvh, q, o, mask, t);
                return;
            }
            // K and V are packed once per (batch, head) into this thread's scratch and reused by every query tile.
            float* kT = ThreadScratch.Floats(ThreadScratch.AttentionKeys, PackedMatrix.PackedFloats(S.HeadDim, t));
            float* vp = ThreadScratch.Floats(ThreadScratch.AttentionValues, PackedMatrix.PackedFloats(t, S.ValueDim));
            KeyPacking.PackTransposed(K.At(b, kvh), checked((int)K.RowStride), S.HeadDim, t, kT);
            PackedMatrix.PackInto(V.At(b, kvh), checked((int)V.RowStride), false, t, S.ValueDim, vp);
            float* scores = ThreadScratch.Floats(ThreadScratch.AttentionScores, (long)QueryTile * t);
            int ldq = checked((int)Q.RowStride), ldo = checked((int)O.RowStride);
            for (int i0 = 0; i0 < S.SeqQ; i0 += QueryTile)
            {
                int rows = Math.Min(QueryTile, S.SeqQ - i0);
                Sgemm.MultiplyPacked(rows, t, S.HeadDim, Scale, q + (long)i0 * ldq, ldq, kT, scores, t);
                for (int r = 0; r < rows; r++)
                {
                    int qi = i0 + r;
                    // Query i sees keys up to i + (SeqK - SeqQ): the usual alignment when a KV cache precedes the queries.
                    int visible = Causal ? Math.Clamp(qi + (t - S.SeqQ) + 1, 0, t) : t;
                    ScoreRow.MaskedSoftmax(scores + (long)r * t, mask is null ? null : mask + qi * Mask.RowStride, t, visible);
                }
                Sgemm.MultiplyPacked(rows, S.ValueDim, t, 1f, scores, t, vp, o + (long)i0 * ldo, ldo);
            }
        }
    }
}
