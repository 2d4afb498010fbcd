namespace Axon.Compiler.Lowering;

/// <summary>Attention masks as the fused attention kernels take them.</summary>
internal static unsafe class AttentionMask
{
    /// <summary>Expands a mask of rank ≤ 4 (numpy broadcasting) to the full [B, H, Sq, Sk].</summary>
    public static void Broadcast(float* src, int[] shape, float* dst, int[] full)
    {
        var padded = Enumerable.Repeat(1, 4 - shape.Length).Concat(shape).ToArray();
        var strides = new long[4];
        long stride = 1;
        for (int i = 3; i >= 0; i--)
        {
            strides[i] = padded[i] == 1 ? 0 : stride;
            stride *= padded[i];
        }
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
}
