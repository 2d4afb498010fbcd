using Axon.Kernels.Attention;

namespace Axon.Compiler.Lowering;

/// <summary>Attention masks as the fused attention kernels take them.</summary>
internal static unsafe class AttentionMask
{
    /// <summary>
    /// A mask of rank ≤ 4 that broadcasts to [B, H, Sq, Sk] read in place through strides (0 on broadcast axes), or null
    /// when its last axis is itself broadcast (then <see cref="Broadcast"/> expands it).
    /// </summary>
    public static AttentionOperand? InPlace(float* src, int[] shape, int sk)
    {
        if (NeedsExpansion(shape, sk))
        {
            return null;
        }
        var strides = Strides(shape);
        return new AttentionOperand(src, strides[0], strides[1], strides[2]);
    }

    /// <summary>True when the mask's key axis broadcasts, so <see cref="InPlace"/> cannot read it through strides.</summary>
    public static bool NeedsExpansion(int[] shape, int sk) => shape.Length == 0 || shape[^1] != sk;

    /// <summary>Expands a mask of rank ≤ 4 (numpy broadcasting) to the full [B, H, Sq, Sk].</summary>
    public static void Broadcast(float* src, int[] shape, float* dst, int[] full)
    {
        var strides = Strides(shape);
        long o = 0;
        for (int i0 = 0; i0 < full[0]; i0++)
        {
            for (int i1 = 0; i1 < full[1]; i1++)
            {
                for (int i2 = 0; i2 < full[2]; i2++)
                {
                    float* row = src + i0 * strides[0] + i1 * strides[1] + i2 * strides[2];
                    for (int i3 = 0; i3 < full[3]; i3++)
                    {
                        dst[o++] = row[i3 * strides[3]];
                    }
                }
            }
        }
    }

    /// <summary>Element strides of the shape left-padded to rank 4, 0 on axes of size 1 (they broadcast).</summary>
    private static long[] Strides(int[] shape)
    {
        var padded = Enumerable.Repeat(1, 4 - shape.Length).Concat(shape).ToArray();
        var strides = new long[4];
        long stride = 1;
        for (int i = 3; i >= 0; i--)
        {
            strides[i] = padded[i] == 1 ? 0 : stride;
            stride *= padded[i];
        }
        return strides;
    }
}
