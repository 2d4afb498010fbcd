using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Axon.Kernels.Conv;

/// <summary>Eight floats p[0], p[s], ..., p[7s] (AVX2 only), reading nothing past p[7s].</summary>
internal static unsafe class StridedLoad
{
    /// <summary><paramref name="idx"/> must be (0..7)·<paramref name="stride"/>, built once by the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* p, int stride, Vector256<int> idx)
    {
        if (stride == 1)
        {
            return Avx.LoadVector256(p);
        }
        if (stride == 2)
        {
            // Two loads and two shuffles beat a gather: [p0..p7] and [p7..p14], keep the even elements.
            var a = Avx.LoadVector256(p);
            var b = Avx.LoadVector256(p + 7);
            var mixed = Avx.Shuffle(a, b, 0b11_01_10_00); // p0 p2 p8 p10 | p4 p6 p12 p14
            return Avx2.Permute4x64(mixed.AsDouble(), 0b11_01_10_00).AsSingle();
        }
        return Avx2.GatherVector256(p, idx, 4);
    }
}
