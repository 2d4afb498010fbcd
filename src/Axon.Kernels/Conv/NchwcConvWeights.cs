namespace Axon.Kernels.Conv;

/// <summary>
/// Convolution weights reordered once (at compile time) for <see cref="NchwcConv"/>: a (output block, input block) pair
/// is [kh][kw][input lane][16 output lanes], zero past K and C, so one tap's 16 output channels are two contiguous
/// vectors. The pairs are laid out in the order the kernel walks them, so a layer's weights stream from memory as one
/// sequence: output-major layers [output block][input block]; chunk-major layers [chunk][output block][input block in
/// the chunk] (the reduction chunk and the loop order are fixed here, from the geometry and the cache sizes). With a plain NCHW input (the stem: few channels, not worth blocking) there is one "input block"
/// holding all C channels. The bias is padded to whole blocks (zeros when the node has none).
/// </summary>
public sealed unsafe class NchwcConvWeights
{
    private readonly float[] _packed;
    private readonly float[] _bias;

    private NchwcConvWeights(ConvGeometry g, bool plainInput, float[] packed, float[] bias, int chunk, bool outputMajor)
    {
        Geometry = g;
        PlainInput = plainInput;
        Chunk = chunk;
        OutputMajor = outputMajor;
        _packed = packed;
        _bias = bias;
        Packed = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _packed[0]);
        Bias = (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _bias[0]);
    }

    public ConvGeometry Geometry { get; }

    /// <summary>The input is plain NCHW (not blocked); the output is always blocked.</summary>
    public bool PlainInput { get; }

    /// <summary>Input channel groups the reduction walks: ceil(C/16) blocks, or one group of all C plain channels.</summary>
    public int InputBlocks => PlainInput ? 1 : Nchwc.Blocks(Geometry.C);

    /// <summary>Input channels per group: 16 (blocked) or C (plain).</summary>
    public int LanesPerInputBlock => PlainInput ? Geometry.C : Nchwc.Block;

    public int OutputBlocks => Nchwc.Blocks(Geometry.K);

    /// <summary>Floats per block of 16 output channels.</summary>
    public int BlockStride => InputBlocks * PairFloats;

    /// <summary>Floats per (output block, input block) pair: KH·KW taps × input lanes × 16 output lanes.</summary>
    internal int PairFloats => Geometry.KernelH * Geometry.KernelW * LanesPerInputBlock * Nchwc.Block;

    /// <summary>Input blocks per reduction chunk.</summary>
    internal int Chunk { get; }

    /// <summary>The loop order the kernel runs (and the packing follows): output block outside the chunks.</summary>
    internal bool OutputMajor { get; }

    /// <summary>The weights of output block <paramref name="ob"/> for the chunk starting at input block <paramref name="cb0"/>.</summary>
    internal float* Pair(int ob, int cb0)
    {
        long pair = OutputMajor ? (long)ob * InputBlocks + cb0 : (long)cb0 * OutputBlocks + (long)ob * Math.Min(Chunk, InputBlocks - cb0);
        return Packed + pair * PairFloats;
    }

    internal float* Packed { get; }

    internal float* Bias { get; }

    /// <summary>Reorders OIHW weights [K, C, KH, KW] (group 1) and an optional bias [K].</summary>
    public static NchwcConvWeights Pack(ReadOnlySpan<float> w, ReadOnlySpan<float> bias, ConvGeometry g, bool plainInput)
    {
        g.Validate();
        if (g.Group != 1)
        {
            throw new ArgumentException("the NCHWc convolution is for group 1");
        }
        if (w.Length < g.WeightElements || (!bias.IsEmpty && bias.Length < g.K))
        {
            throw new ArgumentException($"weights need {g.WeightElements} elements and bias {g.K}");
        }
        int inBlocks = plainInput ? 1 : Nchwc.Blocks(g.C);
        int lanes = plainInput ? g.C : Nchwc.Block;
        int outBlocks = Nchwc.Blocks(g.K);
        int taps = g.KernelH * g.KernelW;
        long pairFloats = (long)taps * lanes * Nchwc.Block;
        var (chunk, outputMajor) = NchwcConv.Blocking(g, plainInput);
        // Pinned: the kernels keep raw pointers for the model's lifetime.
        var packed = GC.AllocateArray<float>((int)(outBlocks * inBlocks * pairFloats), pinned: true);
        for (int k = 0; k < g.K; k++)
        {
            int ob = k / Nchwc.Block, ol = k % Nchwc.Block;
            for (int c = 0; c < g.C; c++)
            {
                int cb = c / lanes, il = c % lanes;
                int cb0 = cb / chunk * chunk;
                long pair = outputMajor ? (long)ob * inBlocks + cb : (long)cb0 * outBlocks + (long)ob * Math.Min(chunk, inBlocks - cb0) + (cb - cb0);
                for (int t = 0; t < taps; t++)
                {
                    packed[pair * pairFloats + ((long)t * lanes + il) * Nchwc.Block + ol] = w[(k * g.C + c) * taps + t];
                }
            }
        }
        var b = GC.AllocateArray<float>(outBlocks * Nchwc.Block, pinned: true);
        if (!bias.IsEmpty)
        {
            bias[..g.K].CopyTo(b);
        }
        return new NchwcConvWeights(g, plainInput, packed, b, chunk, outputMajor);
    }
}
