namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Triangular mel filterbank of shape [dft_length/2 + 1, num_mel_bins]: num_mel_bins + 2 edges equally spaced on the
/// mel scale (mel = 2595·log10(1 + f/700)) between the two edge frequencies are mapped to spectrogram bins, and each
/// filter rises from its left edge to 1 at its centre and falls to its right edge (the spec's construction).
/// </summary>
[Op("MelWeightMatrix")]
internal sealed class MelWeightMatrix : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        int mels = (int)ControlFlow.ScalarInt(ctx, ctx.Input(0), "num_mel_bins");
        long dftLength = ControlFlow.ScalarInt(ctx, ctx.Input(1), "dft_length");
        long sampleRate = ControlFlow.ScalarInt(ctx, ctx.Input(2), "sample_rate");
        double lower = ctx.Input(3).ToDoubles()[0];
        double upper = ctx.Input(4).ToDoubles()[0];
        if (mels <= 0 || dftLength <= 0 || sampleRate <= 0 || lower < 0 || upper < lower)
        {
            throw ctx.Error($"bad arguments: num_mel_bins={mels}, dft_length={dftLength}, sample_rate={sampleRate}, edges=[{lower}, {upper}]");
        }
        int specBins = (int)(dftLength / 2 + 1);
        double lowMel = 2595 * Math.Log10(1 + lower / 700);
        double highMel = 2595 * Math.Log10(1 + upper / 700);
        // The spec divides the mel range by the number of edges (num_mel_bins + 2), not by the number of gaps.
        double melStep = (highMel - lowMel) / (mels + 2);
        var edges = new int[mels + 2];
        for (int i = 0; i < edges.Length; i++)
        {
            double hz = 700 * (Math.Pow(10, (i * melStep + lowMel) / 2595) - 1);
            edges[i] = (int)Math.Floor((dftLength + 1) * hz / sampleRate);
        }
        var w = new double[specBins * mels];
        void Set(int j, int i, double v)
        {
            if (j >= 0 && j < specBins)
            {
                w[j * mels + i] = v;
            }
        }
        for (int i = 0; i < mels; i++)
        {
            int left = edges[i], centre = edges[i + 1], right = edges[i + 2];
            if (centre == left)
            {
                Set(centre, i, 1);
            }
            else
            {
                for (int j = left; j <= centre; j++)
                {
                    Set(j, i, (double)(j - left) / (centre - left));
                }
            }
            for (int j = centre; j < right; j++)
            {
                Set(j, i, (double)(right - j) / (right - centre));
            }
        }
        return [Tensor.FromDoubles((DType)ctx.Int("output_datatype", (long)DType.Float32), w, specBins, mels)];
    }
}
