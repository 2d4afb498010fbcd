namespace Axon.Kernels.Conv;

/// <summary>
/// Convolution weights packed once when a model loads. For the GEMM path each group's [Kg, Cg·KH·KW] filter matrix is
/// the A operand, stored as the micro-kernel reads it: per depth block of <see cref="DepthBlock"/> rows, each
/// <see cref="ConvGemm.MR"/>-channel panel as [k][MR] contiguous floats, zero-padded to a multiple of MR channels.
/// Depthwise weights stay as [C, KH·KW]. (Weights are the A side because NCHW output rows are output channels; the
/// B side, the implicit im2col columns, is packed per tile from the input.)
/// </summary>
public sealed unsafe class ConvWeights : IDisposable
{
    private readonly AlignedBuffer _buffer;

    private readonly AlignedBuffer? _raw;

    private ConvWeights(ConvGeometry geometry, AlignedBuffer buffer, int depthBlock, int panels, AlignedBuffer? raw = null)
    {
        Geometry = geometry;
        _buffer = buffer;
        DepthBlock = depthBlock;
        Panels = panels;
        _raw = raw;
    }

    /// <summary>The K×C weights as given, kept only for 1×1 convolutions, which run as a plain SGEMM (see ConvPointwise).</summary>
    internal float* Raw => _raw is null ? null : (float*)_raw.Pointer;

    public ConvGeometry Geometry { get; }

    /// <summary>Depth (K of the GEMM) per block; blocks are balanced so the last is not a sliver.</summary>
    public int DepthBlock { get; }

    /// <summary>MR-channel panels per group (0 for depthwise).</summary>
    public int Panels { get; }

    internal float* Pointer => (float*)_buffer.Pointer;

    /// <summary>Floats per group in the packed GEMM layout.</summary>
    internal long GroupStride => (long)Panels * ConvGemm.MR * Geometry.ColumnRows;

    /// <summary>Packs weights laid out [K, C/Group, KH, KW] (ONNX order).</summary>
    public static ConvWeights Pack(ReadOnlySpan<float> weights, ConvGeometry g)
    {
        g.Validate();
        if (weights.Length < g.WeightElements)
        {
            throw new ArgumentException($"weights have {weights.Length} elements, the convolution needs {g.WeightElements}");
        }
        fixed (float* w = weights)
        {
            return Pack(w, g);
        }
    }

    public static ConvWeights Pack(float* w, ConvGeometry g)
    {
        g.Validate();
        if (g.IsDepthwise)
        {
            long n = g.WeightElements;
            var copy = BufferPool.Shared.Rent(Math.Max(1, n) * sizeof(float));
            Buffer.MemoryCopy(w, copy.Pointer, n * sizeof(float), n * sizeof(float));
            return new ConvWeights(g, copy, g.KernelH * g.KernelW, 0);
        }
        const int mr = ConvGemm.MR;
        int depth = g.ColumnRows;
        int blocks = (depth + ConvGemm.MaxDepthBlock - 1) / ConvGemm.MaxDepthBlock;
        int kcBlock = (depth + blocks - 1) / blocks;
        int panels = (g.Kg + mr - 1) / mr;
        long perGroup = (long)panels * mr * depth;
        var buf = BufferPool.Shared.Rent(Math.Max(1, perGroup * g.Group) * sizeof(float));
        AlignedBuffer? raw = null;
        if (ConvPointwise.Applies(g))
        {
            long n = g.WeightElements;
            raw = BufferPool.Shared.Rent(n * sizeof(float));
            Buffer.MemoryCopy(w, raw.Pointer, n * sizeof(float), n * sizeof(float));
        }
        var cw = new ConvWeights(g, buf, kcBlock, panels, raw);
        float* dst = cw.Pointer;
        for (int grp = 0; grp < g.Group; grp++)
        {
            float* src = w + (long)grp * g.Kg * depth;
            for (int k0 = 0; k0 < depth; k0 += kcBlock)
            {
                int kc = Math.Min(kcBlock, depth - k0);
                for (int p = 0; p < panels; p++)
                {
                    for (int kk = 0; kk < kc; kk++)
                    {
                        for (int r = 0; r < mr; r++)
                        {
                            int row = p * mr + r;
                            *dst++ = row < g.Kg ? src[(long)row * depth + k0 + kk] : 0f;
                        }
                    }
                }
            }
        }
        return cw;
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _raw?.Dispose();
    }
}
