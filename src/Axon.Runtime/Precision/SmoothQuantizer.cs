using Axon.Compiler.Passes;
using Axon.Compiler.Quantization;
using Axon.Compiler.Quantization.Calibration;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Runtime.Precision.Calibration;

namespace Axon.Runtime.Precision;

/// <summary>The smoothed FP32 model, what was smoothed, and the channel maxima calibration measured.</summary>
public sealed record SmoothQuantResult(Model Model, IReadOnlyList<SmoothTarget> Targets, IReadOnlyDictionary<string, float[]> ChannelMax, SmoothQuantOptions Options)
{
    /// <summary>Smoothed activations per way 1/s was absorbed.</summary>
    public string Summary => string.Join(", ", Targets.GroupBy(t => t.Kind).Select(g => $"{g.Count()} {g.Key switch
    {
        SmoothKind.LayerNormAffine => "into LayerNorm γ/β",
        SmoothKind.AttentionValue => "into the V projection",
        _ => "by an inserted Mul",
    }}"));
}

/// <summary>
/// SmoothQuant on a model: calibrate (the FP32 model runs over the samples with the activations to smooth added as
/// outputs, as static calibration does; per-channel max |x|), then the <see cref="SmoothQuant"/> pass. With
/// <see cref="SearchAlpha"/>, α is chosen per activation on the calibration samples by a quantizer the caller gives.
/// </summary>
public static class SmoothQuantizer
{
    /// <summary>The α values the per-activation search tries.</summary>
    public static readonly double[] AlphaGrid = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8];

    public static SmoothQuantResult Smooth(Model fp32, SampleSet calibration, SmoothQuantOptions options, WorkerPool pool,
        Action<string, int, int>? progress = null)
    {
        var targets = SmoothQuant.Activations(fp32.Graph, options);
        var max = ChannelMax(fp32, targets.ToDictionary(t => t.Activation, t => t.Channels, StringComparer.Ordinal), calibration, pool, progress);
        return new SmoothQuantResult(Apply(fp32, max, options), targets, max, options);
    }

    /// <summary>The smoothing pass alone, with channel maxima already measured.</summary>
    public static Model Apply(Model fp32, IReadOnlyDictionary<string, float[]> channelMax, SmoothQuantOptions options) =>
        new PassManager([new SmoothQuant(channelMax, options)]).Run(fp32);

    /// <summary>max |x| per channel (last axis) of each named activation over the samples.</summary>
    public static Dictionary<string, float[]> ChannelMax(Model model, IReadOnlyDictionary<string, int> channels, SampleSet samples, WorkerPool pool,
        Action<string, int, int>? progress = null)
    {
        if (samples.Samples.Count == 0)
        {
            throw new AxonInputException("SmoothQuant needs at least one calibration sample", "AXQ072");
        }
        var stats = channels.ToDictionary(kv => kv.Key, kv => new ChannelStatistics(kv.Key, kv.Value), StringComparer.Ordinal);
        using var session = new InferenceSession(ActivationCollector.Probe(model, stats.Keys), pool);
        for (int i = 0; i < samples.Samples.Count; i++)
        {
            progress?.Invoke("smooth-quant: channel ranges", i, samples.Samples.Count);
            foreach (var kv in session.Run(samples.Samples[i]))
            {
                if (stats.TryGetValue(kv.Key, out var s) && kv.Value is Tensor { DType: DType.Float32 } t)
                {
                    s.Observe(t.ReadOnlySpan<float>());
                }
            }
        }
        progress?.Invoke("smooth-quant: channel ranges", samples.Samples.Count, samples.Samples.Count);
        return stats.Where(kv => kv.Value.Rows > 0).ToDictionary(kv => kv.Key, kv => kv.Value.AbsMax, StringComparer.Ordinal);
    }

    /// <summary>
    /// α per activation by coordinate search: start from <paramref name="start"/>.Alpha everywhere; for each activation
    /// in graph order try every α of <see cref="AlphaGrid"/> with the others fixed and keep the one whose smoothed and
    /// quantized model scores best (<paramref name="score"/>: higher is better, e.g. the worst output cosine against FP32
    /// on the calibration samples; never the evaluation inputs). One sweep: |targets| × |grid| scorings.
    /// </summary>
    public static SmoothQuantResult SearchAlpha(SmoothQuantResult start, Model fp32, Func<Model, double> score, Action<string, int, int>? progress = null)
    {
        var alphas = start.Targets.ToDictionary(t => t.Activation, _ => start.Options.Alpha, StringComparer.Ordinal);
        double best = score(start.Model);
        int done = 0, total = start.Targets.Count * AlphaGrid.Length;
        foreach (var t in start.Targets)
        {
            double keep = alphas[t.Activation];
            foreach (double a in AlphaGrid)
            {
                progress?.Invoke("smooth-quant: alpha search", done++, total);
                if (a == keep)
                {
                    continue;
                }
                alphas[t.Activation] = a;
                double s = score(Apply(fp32, start.ChannelMax, start.Options with { AlphaPerActivation = alphas }));
                if (s > best)
                {
                    best = s;
                    keep = a;
                }
            }
            alphas[t.Activation] = keep;
        }
        progress?.Invoke("smooth-quant: alpha search", total, total);
        var options = start.Options with { AlphaPerActivation = new Dictionary<string, double>(alphas, StringComparer.Ordinal) };
        return start with { Model = Apply(fp32, start.ChannelMax, options), Options = options };
    }
}
