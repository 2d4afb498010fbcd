using Axon.Compiler.Quantization.Calibration;
using Axon.Graph;
using Axon.Kernels.Threading;

namespace Axon.Runtime.Precision.Calibration;

/// <summary>
/// Runs the FP32 model over the calibration samples and measures the named activations: the model is run as it is
/// (fast kernels, no fusion, so every activation still exists) with those activations added as outputs. One pass for
/// min and max; a second with histograms over the ranges the first found when the method needs them. Memory stays at
/// one sample's activations plus 2,048 bins per tensor, whatever the number of samples.
/// </summary>
public static class ActivationCollector
{
    /// <summary>The calibrated range of every tensor in <paramref name="tensors"/> that the samples reached.</summary>
    public static Dictionary<string, TensorRange> Ranges(Model model, IReadOnlyList<string> tensors, SampleSet samples, ICalibrator calibrator,
        bool symmetric, WorkerPool pool, Action<string, int, int>? progress = null)
    {
        var stats = Collect(model, tensors, samples, calibrator, symmetric, pool, progress);
        return stats.Where(s => s.Seen).ToDictionary(s => s.Name, s => calibrator.Range(s, symmetric), StringComparer.Ordinal);
    }

    /// <summary>The raw statistics (min, max and, when the method needs it, the histogram) of each tensor.</summary>
    public static IReadOnlyList<ActivationStatistics> Collect(Model model, IReadOnlyList<string> tensors, SampleSet samples, ICalibrator calibrator,
        bool symmetric, WorkerPool pool, Action<string, int, int>? progress = null)
    {
        if (samples.Samples.Count == 0)
        {
            throw new AxonInputException("calibration needs at least one sample", "AXQ022");
        }
        var probe = Probe(model, tensors);
        var stats = tensors.Select(t => new ActivationStatistics(t)).ToList();
        var byName = stats.ToDictionary(s => s.Name, StringComparer.Ordinal);
        using var session = new InferenceSession(probe, pool);
        void Pass(string phase, Action<ActivationStatistics, ReadOnlySpan<float>> observe)
        {
            for (int i = 0; i < samples.Samples.Count; i++)
            {
                progress?.Invoke(phase, i, samples.Samples.Count);
                foreach (var kv in session.Run(samples.Samples[i]))
                {
                    if (byName.TryGetValue(kv.Key, out var s) && kv.Value is Tensor { DType: DType.Float32 } t)
                    {
                        observe(s, t.ReadOnlySpan<float>());
                    }
                }
            }
            progress?.Invoke(phase, samples.Samples.Count, samples.Samples.Count);
        }
        Pass("calibrate: ranges", (s, x) => s.ObserveRange(x));
        if (calibrator.NeedsHistogram)
        {
            bool abs = calibrator.AbsoluteHistogram(symmetric);
            foreach (var s in stats)
            {
                s.StartHistogram(abs);
            }
            Pass("calibrate: histograms", (s, x) => s.ObserveHistogram(x));
        }
        return stats;
    }

    /// <summary>The model with <paramref name="tensors"/> added as outputs, so one run yields every activation to measure.</summary>
    internal static Model Probe(Model model, IEnumerable<string> tensors)
    {
        var g = model.Graph.Clone();
        var outputs = new HashSet<string>(g.Outputs.Select(o => o.Name), StringComparer.Ordinal);
        foreach (var t in tensors.Where(t => !outputs.Contains(t)))
        {
            g.Outputs.Add(new ValueInfo(t, g.ValueInfos.GetValueOrDefault(t)?.Type ?? TypeInfo.Unknown));
        }
        var probe = new Model(g) { IrVersion = model.IrVersion };
        probe.OpsetImports.Clear();
        foreach (var kv in model.OpsetImports)
        {
            probe.OpsetImports[kv.Key] = kv.Value;
        }
        return probe;
    }
}
