using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Axon.Kernels.Cpu;

namespace Axon.Kernels.Quant;

/// <summary>
/// The INT8 register-blocked micro-kernel: an A panel of <see cref="MR"/> rows (u8, laid out [K/4][MR][4]) times one
/// 16-column B panel of <see cref="QuantizedMatrix"/>, accumulated exactly in int32 (eight AVX2 registers for 4×16).
/// AVX2: <c>vpmaddubsw</c> (u8·s8 pairs into int16) then <c>vpmaddwd</c> by ones (pairs of int16 into int32); B panels
/// are pair-safe or split (see <see cref="QuantizedMatrix"/>), so the int16 step never saturates. AVX-VNNI: one
/// <c>vpdpbusd</c>. Scalar: the same sums in plain C#; all tiers give bit-identical integers.
/// </summary>
internal static unsafe class QMicroKernel
{
    public const int MR = 4;
    public const int NR = QuantizedMatrix.NR;

    public static bool Avx2Path => Avx2.IsSupported && Vector256.IsHardwareAccelerated;

    public static bool VnniPath => Avx2Path && AvxVnni.IsSupported;

    /// <summary>c[MR×NR] (row stride NR) = A panel · B panel over <paramref name="quads"/> groups of 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile(int quads, byte* a, sbyte* b, bool split, int* c)
    {
        if (VnniPath && !split)
        {
            KernelVnni(quads, a, b, c);
        }
        else if (Avx2Path)
        {
            if (split)
            {
                KernelSplit(quads, a, b, c);
            }
            else
            {
                KernelAvx2(quads, a, b, c);
            }
        }
        else
        {
            KernelScalar(quads, a, b, split, c);
        }
    }

    internal static void KernelScalar(int quads, byte* a, sbyte* b, bool split, int* c)
    {
        new Span<int>(c, MR * NR).Clear();
        for (int q = 0; q < quads; q++)
        {
            for (int r = 0; r < MR; r++)
            {
                byte* ar = a + r * 4;
                for (int j = 0; j < NR; j++)
                {
                    sbyte* bj = b + j * 4;
                    int s = ar[0] * bj[0] + ar[1] * bj[1] + ar[2] * bj[2] + ar[3] * bj[3];
                    if (split)
                    {
                        sbyte* lj = bj + 4 * NR;
                        s = 2 * s + ar[0] * lj[0] + ar[1] * lj[1] + ar[2] * lj[2] + ar[3] * lj[3];
                    }
                    c[r * NR + j] += s;
                }
            }
            a += MR * 4;
            b += split ? 8 * NR : 4 * NR;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelAvx2(int quads, byte* a, sbyte* b, int* c)
    {
        var ones = Vector256.Create((short)1);
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<int> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int q = 0; q < quads; q++)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 32);
            var a0 = Vector256.Create(*(int*)a).AsByte();
            c00 = Avx2.Add(c00, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a0, b0), ones));
            c01 = Avx2.Add(c01, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a0, b1), ones));
            var a1 = Vector256.Create(*(int*)(a + 4)).AsByte();
            c10 = Avx2.Add(c10, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a1, b0), ones));
            c11 = Avx2.Add(c11, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a1, b1), ones));
            var a2 = Vector256.Create(*(int*)(a + 8)).AsByte();
            c20 = Avx2.Add(c20, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a2, b0), ones));
            c21 = Avx2.Add(c21, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a2, b1), ones));
            var a3 = Vector256.Create(*(int*)(a + 12)).AsByte();
            c30 = Avx2.Add(c30, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a3, b0), ones));
            c31 = Avx2.Add(c31, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a3, b1), ones));
            a += 16;
            b += 64;
        }
        Store(c, c00, c01);
        Store(c + NR, c10, c11);
        Store(c + 2 * NR, c20, c21);
        Store(c + 3 * NR, c30, c31);
    }

    /// <summary>w = 2·h + l: h·a pairs reduce with weight 2 in <c>vpmaddwd</c>, l·a pairs with weight 1; both exact.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelSplit(int quads, byte* a, sbyte* b, int* c)
    {
        var ones = Vector256.Create((short)1);
        var twos = Vector256.Create((short)2);
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<int> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int q = 0; q < quads; q++)
        {
            var h0 = Avx.LoadVector256(b);
            var h1 = Avx.LoadVector256(b + 32);
            var l0 = Avx.LoadVector256(b + 64);
            var l1 = Avx.LoadVector256(b + 96);
            var a0 = Vector256.Create(*(int*)a).AsByte();
            c00 = Avx2.Add(c00, Pair(a0, h0, l0, ones, twos));
            c01 = Avx2.Add(c01, Pair(a0, h1, l1, ones, twos));
            var a1 = Vector256.Create(*(int*)(a + 4)).AsByte();
            c10 = Avx2.Add(c10, Pair(a1, h0, l0, ones, twos));
            c11 = Avx2.Add(c11, Pair(a1, h1, l1, ones, twos));
            var a2 = Vector256.Create(*(int*)(a + 8)).AsByte();
            c20 = Avx2.Add(c20, Pair(a2, h0, l0, ones, twos));
            c21 = Avx2.Add(c21, Pair(a2, h1, l1, ones, twos));
            var a3 = Vector256.Create(*(int*)(a + 12)).AsByte();
            c30 = Avx2.Add(c30, Pair(a3, h0, l0, ones, twos));
            c31 = Avx2.Add(c31, Pair(a3, h1, l1, ones, twos));
            a += 16;
            b += 128;
        }
        Store(c, c00, c01);
        Store(c + NR, c10, c11);
        Store(c + 2 * NR, c20, c21);
        Store(c + 3 * NR, c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Pair(Vector256<byte> a, Vector256<sbyte> h, Vector256<sbyte> l, Vector256<short> ones, Vector256<short> twos) =>
        Avx2.Add(Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a, h), twos), Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(a, l), ones));

    /// <summary>AVX-VNNI: <c>vpdpbusd</c> sums four u8·s8 products straight into int32 (no int16 step to saturate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelVnni(int quads, byte* a, sbyte* b, int* c)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<int> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int q = 0; q < quads; q++)
        {
            var b0 = Avx.LoadVector256(b);
            var b1 = Avx.LoadVector256(b + 32);
            var a0 = Vector256.Create(*(int*)a).AsByte();
            c00 = AvxVnni.MultiplyWideningAndAdd(c00, a0, b0);
            c01 = AvxVnni.MultiplyWideningAndAdd(c01, a0, b1);
            var a1 = Vector256.Create(*(int*)(a + 4)).AsByte();
            c10 = AvxVnni.MultiplyWideningAndAdd(c10, a1, b0);
            c11 = AvxVnni.MultiplyWideningAndAdd(c11, a1, b1);
            var a2 = Vector256.Create(*(int*)(a + 8)).AsByte();
            c20 = AvxVnni.MultiplyWideningAndAdd(c20, a2, b0);
            c21 = AvxVnni.MultiplyWideningAndAdd(c21, a2, b1);
            var a3 = Vector256.Create(*(int*)(a + 12)).AsByte();
            c30 = AvxVnni.MultiplyWideningAndAdd(c30, a3, b0);
            c31 = AvxVnni.MultiplyWideningAndAdd(c31, a3, b1);
            a += 16;
            b += 64;
        }
        Store(c, c00, c01);
        Store(c + NR, c10, c11);
        Store(c + 2 * NR, c20, c21);
        Store(c + 3 * NR, c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(int* c, Vector256<int> lo, Vector256<int> hi)
    {
        Avx.Store(c, lo);
        Avx.Store(c + 8, hi);
    }
}
