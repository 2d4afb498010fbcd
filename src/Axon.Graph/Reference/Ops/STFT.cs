namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Short-time Fourier transform of [batch, length, 1|2] signals: frames of frame_length (or the window's length) every
/// frame_step samples, each multiplied by the window and transformed; onesided (default) keeps bins 0..n/2.
/// </summary>
[Op("STFT")]
internal sealed class STFT : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var signal = ctx.Input(0);
        if (signal.Rank != 3 || signal.Shape[2] is not (1 or 2))
        {
            throw ctx.Error($"signal must be [batch, length, 1|2], got {signal}");
        }
        long step = ControlFlow.ScalarInt(ctx, ctx.Input(1), "frame_step");
        var window = ctx.OptionalInput(2);
        long frameLength = ctx.HasInput(3) ? ControlFlow.ScalarInt(ctx, ctx.Input(3), "frame_length")
            : window?.Length ?? throw ctx.Error("needs a window or a frame_length");
        if (window is not null && window.Length != frameLength)
        {
            throw ctx.Error($"window length {window.Length} differs from frame_length {frameLength}");
        }
        bool complexIn = signal.Shape[2] == 2;
        bool onesided = ctx.Int("onesided", 1) != 0 && !complexIn;
        int batch = signal.Shape[0], length = signal.Shape[1], n = (int)frameLength;
        if (step <= 0 || n <= 0 || n > length)
        {
            throw ctx.Error($"frame_step {step} and frame_length {n} do not fit a signal of length {length}");
        }
        int frames = (int)((length - n) / step) + 1;
        int bins = onesided ? n / 2 + 1 : n;
        var w = window?.ToDoubles();
        var v = signal.ToDoubles();
        int c = signal.Shape[2];
        var result = new double[batch * frames * bins * 2];
        var re = new double[n];
        var im = new double[n];
        var ore = new double[bins];
        var oim = new double[bins];
        for (int b = 0; b < batch; b++)
        {
            for (int f = 0; f < frames; f++)
            {
                for (int t = 0; t < n; t++)
                {
                    int at = (b * length + f * (int)step + t) * c;
                    double scale = w is null ? 1 : w[t];
                    re[t] = v[at] * scale;
                    im[t] = complexIn ? v[at + 1] * scale : 0;
                }
                Fourier.Transform(re, im, false, bins, ore, oim);
                for (int k = 0; k < bins; k++)
                {
                    int at = ((b * frames + f) * bins + k) * 2;
                    result[at] = ore[k];
                    result[at + 1] = oim[k];
                }
            }
        }
        return [Tensor.FromDoubles(signal.DType, result, batch, frames, bins, 2)];
    }
}
