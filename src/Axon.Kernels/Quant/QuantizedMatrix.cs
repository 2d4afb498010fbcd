namespace Axon.Kernels.Quant;

/// <summary>
/// The signed 8-bit B operand of an INT8 GEMM, packed once (weights) for <see cref="QMicroKernel"/>: 16-column panels,
/// each stored as K/4 groups of 64 bytes where bytes [4·j .. 4·j+3] hold rows 4q..4q+3 of column j (the operand layout
/// of <c>vpmaddubsw</c> / <c>vpdpbusd</c> with a broadcast 4-byte group of A). K is zero-padded to a multiple of 4 and N to
/// a multiple of 16.
/// <para>
/// <c>vpmaddubsw</c> adds two u8×s8 products into a saturating int16: |a0·w0 + a1·w1| ≤ 255·(|w0| + |w1|), exact whenever
/// |w0| + |w1| ≤ 128 for every adjacent pair. A matrix that meets this (Axon's own quantizer emits 7-bit weights, which
/// always do) runs the single-product path. Any other matrix is stored split as w = 2·h + l with h = w >> 1 in [-64, 63]
/// and l = w &amp; 1, two panels per group, and runs the exact two-product path: never a saturated (wrong) sum.
/// </para>
/// </summary>
public sealed unsafe class QuantizedMatrix : IDisposable
{
    /// <summary>Columns per packed panel.</summary>
    public const int NR = 16;

    private readonly AlignedBuffer _buffer;

    private QuantizedMatrix(int k, int n, bool split, AlignedBuffer buffer, int[] columnSums, int[] zeroPoints)
    {
        K = k;
        N = n;
        Split = split;
        _buffer = buffer;
        ColumnSums = columnSums;
        ZeroPoints = zeroPoints;
    }

    public int K { get; }
    public int N { get; }

    /// <summary>K rounded up to a multiple of 4 (one <c>vpmaddubsw</c> group).</summary>
    public int KPadded => (K + 3) & ~3;

    internal int Panels => (N + NR - 1) / NR;

    /// <summary>True when some adjacent weight pair could saturate <c>vpmaddubsw</c>; the exact split path runs.</summary>
    public bool Split { get; }

    /// <summary>Σ_k w[k, j] per column (the raw signed values, before any zero point), for zero-point corrections.</summary>
    public int[] ColumnSums { get; }

    /// <summary>Per-column zero point of B (all zero for symmetric weights).</summary>
    public int[] ZeroPoints { get; }

    /// <summary>Packed bytes (for reports).</summary>
    public long Bytes => (long)Panels * KPadded * NR * (Split ? 2 : 1);

    internal sbyte* Pointer => (sbyte*)_buffer.Pointer;

    /// <summary>Bytes of one panel.</summary>
    internal long PanelBytes => (long)KPadded * NR * (Split ? 2 : 1);

    /// <summary>
    /// Packs a row-major K×N signed matrix (<paramref name="transposed"/>: stored N×K). <paramref name="zeroPoints"/> is
    /// null (symmetric), one value, or one per column.
    /// </summary>
    public static QuantizedMatrix Pack(ReadOnlySpan<sbyte> b, int k, int n, bool transposed = false, ReadOnlySpan<int> zeroPoints = default)
    {
        if (k <= 0 || n <= 0)
        {
            throw new ArgumentException($"INT8 matrix must be at least 1x1, got {k}x{n}");
        }
        if (b.Length < (long)k * n)
        {
            throw new ArgumentException($"B has {b.Length} elements, needs {k}x{n}");
        }
        if (zeroPoints.Length is not (0 or 1) && zeroPoints.Length != n)
        {
            throw new ArgumentException($"B zero point has {zeroPoints.Length} values, needs 1 or {n}");
        }
        var zp = new int[n];
        for (int j = 0; j < n; j++)
        {
            zp[j] = zeroPoints.Length == 0 ? 0 : zeroPoints[zeroPoints.Length == 1 ? 0 : j];
        }
        bool split = false;
        var sums = new int[n];
        for (int j = 0; j < n && !split; j++)
        {
            for (int kk = 0; kk < k; kk += 2)
            {
                int w0 = At(b, k, n, transposed, kk, j);
                int w1 = kk + 1 < k ? At(b, k, n, transposed, kk + 1, j) : 0;
                if (Math.Abs(w0) + Math.Abs(w1) > 128)
                {
                    split = true;
                    break;
                }
            }
        }
        for (int kk = 0; kk < k; kk++)
        {
            for (int j = 0; j < n; j++)
            {
                sums[j] += At(b, k, n, transposed, kk, j);
            }
        }
        int kp = (k + 3) & ~3;
        int panels = (n + NR - 1) / NR;
        long bytes = (long)panels * kp * NR * (split ? 2 : 1);
        var buf = BufferPool.Shared.Rent(Math.Max(64, bytes));
        var m = new QuantizedMatrix(k, n, split, buf, sums, zp);
        sbyte* dst = m.Pointer;
        for (int p = 0; p < panels; p++)
        {
            for (int q = 0; q < kp; q += 4)
            {
                sbyte* hi = dst;
                sbyte* lo = dst + 4 * NR;
                for (int jj = 0; jj < NR; jj++)
                {
                    int j = p * NR + jj;
                    for (int t = 0; t < 4; t++)
                    {
                        int w = j < n && q + t < k ? At(b, k, n, transposed, q + t, j) : 0;
                        if (split)
                        {
                            hi[jj * 4 + t] = (sbyte)(w >> 1);
                            lo[jj * 4 + t] = (sbyte)(w & 1);
                        }
                        else
                        {
                            hi[jj * 4 + t] = (sbyte)w;
                        }
                    }
                }
                dst += split ? 8 * NR : 4 * NR;
            }
        }
        return m;
    }

    /// <summary>
    /// Packs an unsigned matrix exactly as a signed one: w - 128 with the zero point lowered by 128 gives the same
    /// (w - zp) products.
    /// </summary>
    public static QuantizedMatrix PackUnsigned(ReadOnlySpan<byte> b, int k, int n, bool transposed = false, ReadOnlySpan<int> zeroPoints = default)
    {
        var s = new sbyte[b.Length];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = (sbyte)(b[i] - 128);
        }
        var zp = new int[Math.Max(1, zeroPoints.Length)];
        for (int i = 0; i < zp.Length; i++)
        {
            zp[i] = (zeroPoints.Length == 0 ? 0 : zeroPoints[i]) - 128;
        }
        return Pack(s, k, n, transposed, zp);
    }

    private static int At(ReadOnlySpan<sbyte> b, int k, int n, bool transposed, int row, int col) =>
        transposed ? b[col * k + row] : b[row * n + col];

    public void Dispose() => _buffer.Dispose();
}
