using System.Runtime.Intrinsics;
namespace Axon.Kernels.Gemm;

/// <summary>
/// The B operand of a GEMM packed for the micro-kernel: for each K block of <see cref="Sgemm.BlockK(int)"/> rows, each 16-column
/// panel stored as [k][16] contiguous floats, zero-padded to a multiple of 16 columns. Weights are packed once when a
/// model is compiled and reused for every inference.
/// </summary>
public sealed unsafe class PackedMatrix : IDisposable
{
    private readonly AlignedBuffer _buffer;

    private PackedMatrix(int k, int n, AlignedBuffer buffer)
    {
        K = k;
        N = n;
        KBlock = Sgemm.BlockK(k);
        _buffer = buffer;
    }

    public int K { get; }
    public int N { get; }

    /// <summary>The K block this matrix was packed with (<see cref="Sgemm.BlockK(int)"/> at packing time).</summary>
    internal int KBlock { get; }

    /// <summary>Packed size in bytes.</summary>
    public long Bytes => (long)K * Panels * Sgemm.NR * sizeof(float);

    internal int Panels => (N + Sgemm.NR - 1) / Sgemm.NR;

    internal float* Pointer => (float*)_buffer.Pointer;

    /// <summary>Packs op(B) (K×N; <paramref name="transB"/> means B is stored N×K) with leading dimension <paramref name="ldb"/>.</summary>
    public static PackedMatrix PackB(float* b, int ldb, bool transB, int k, int n)
    {
        int panels = (n + Sgemm.NR - 1) / Sgemm.NR;
        var buf = BufferPool.Shared.Rent(Math.Max(1L, (long)k * panels * Sgemm.NR * sizeof(float)));
        var pm = new PackedMatrix(k, n, buf);
        PackInto(b, ldb, transB, k, n, pm.KBlock, pm.Pointer);
        return pm;
    }

    /// <summary>Floats <see cref="PackInto"/> writes for a K×N operand.</summary>
    internal static long PackedFloats(int k, int n) => (long)k * ((n + Sgemm.NR - 1) / Sgemm.NR) * Sgemm.NR;

    /// <summary>Packs op(B) into caller-owned memory of <see cref="PackedFloats"/> floats (per-call operands: attention's K and V).</summary>
    internal static void PackInto(float* b, int ldb, bool transB, int k, int n, float* dst) =>
        PackInto(b, ldb, transB, k, n, Sgemm.BlockK(k), dst);

    private static void PackInto(float* b, int ldb, bool transB, int k, int n, int kcBlock, float* dst)
    {
        int panels = (n + Sgemm.NR - 1) / Sgemm.NR;
        for (int k0 = 0; k0 < k; k0 += kcBlock)
        {
            int kc = Math.Min(kcBlock, k - k0);
            for (int p = 0; p < panels; p++)
            {
                int j0 = p * Sgemm.NR;
                int nr = Math.Min(Sgemm.NR, n - j0);
                for (int kk = 0; kk < kc; kk++)
                {
                    int j = 0;
                    if (!transB && nr == Sgemm.NR && Vector256.IsHardwareAccelerated)
                    {
                        float* row = b + (long)(k0 + kk) * ldb + j0;
                        Vector256.Load(row).Store(dst);
                        Vector256.Load(row + 8).Store(dst + 8);
                        dst += Sgemm.NR;
                        continue;
                    }
                    if (!transB)
                    {
                        float* src = b + (long)(k0 + kk) * ldb + j0;
                        for (; j < nr; j++)
                        {
                            dst[j] = src[j];
                        }
                    }
                    else
                    {
                        float* src = b + (long)j0 * ldb + k0 + kk;
                        for (; j < nr; j++)
                        {
                            dst[j] = src[(long)j * ldb];
                        }
                    }
                    for (; j < Sgemm.NR; j++)
                    {
                        dst[j] = 0;
                    }
                    dst += Sgemm.NR;
                }
            }
        }
    }

    /// <summary>Packs a managed row-major K×N matrix (or N×K when <paramref name="transB"/>).</summary>
    public static PackedMatrix PackB(ReadOnlySpan<float> b, int k, int n, bool transB = false)
    {
        if (b.Length < (long)k * n)
        {
            throw new ArgumentException($"B has {b.Length} elements, needs {k}x{n}");
        }
        fixed (float* p = b)
        {
            return PackB(p, transB ? k : n, transB, k, n);
        }
    }

    public void Dispose() => _buffer.Dispose();
}
