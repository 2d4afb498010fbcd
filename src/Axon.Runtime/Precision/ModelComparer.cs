using System.Diagnostics;
using System.Text.Json.Serialization;
using Axon.Graph;

namespace Axon.Runtime.Precision;

/// <summary>Accuracy of one output of model B against model A, worst sample's figures.</summary>
public sealed record OutputComparison(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("cosine")] double Cosine,
    [property: JsonPropertyName("max_abs")] double MaxAbs,
    [property: JsonPropertyName("max_rel")] double MaxRel);

/// <summary>
/// Model B against model A on the same samples: per output the worst cosine similarity, the largest absolute error and
/// the largest relative error |b − a| / max(|a|, 1e-3·max|a|) (the floor keeps near-zero elements from dominating); for
/// classifiers, top-1 agreement of the first output's argmax over its last axis, and accuracy of each model against labels.
/// </summary>
public sealed record ComparisonReport
{
    [JsonPropertyName("outputs")]
    public required IReadOnlyList<OutputComparison> Outputs { get; init; }

    [JsonPropertyName("samples")]
    public int Samples { get; init; }

    /// <summary>Fraction of rows where both models pick the same class (null when the first output is not a score vector).</summary>
    [JsonPropertyName("top1_agreement")]
    public double? Top1Agreement { get; init; }

    [JsonPropertyName("top1_accuracy_a")]
    public double? AccuracyA { get; init; }

    [JsonPropertyName("top1_accuracy_b")]
    public double? AccuracyB { get; init; }

    /// <summary>Median latency per sample of each model (ms), measured in alternating rounds.</summary>
    [JsonPropertyName("latency_ms_a")]
    public double LatencyA { get; init; }

    [JsonPropertyName("latency_ms_b")]
    public double LatencyB { get; init; }

    /// <summary>The worst cosine over all outputs.</summary>
    [JsonIgnore]
    public double WorstCosine => Outputs.Count == 0 ? 1 : Outputs.Min(o => o.Cosine);
}

/// <summary>Runs two sessions on the same samples and compares their outputs (<see cref="ComparisonReport"/>); timingRuns 0 skips the latency.</summary>
public static class ModelComparer
{
    public static ComparisonReport Compare(InferenceSession a, InferenceSession b, SampleSet samples, IReadOnlyList<int>? labels = null, int timingRuns = 3)
    {
        var worst = new Dictionary<string, (double Cos, double Abs, double Rel)>(StringComparer.Ordinal);
        var order = new List<string>();
        int rows = 0, agree = 0, hitA = 0, hitB = 0;
        bool classifier = true;
        foreach (var s in samples.Samples)
        {
            var ra = a.Run(s);
            var rb = b.Run(s);
            if (ra.Count != rb.Count)
            {
                throw new AxonInputException($"the models have different outputs ({ra.Count} vs {rb.Count})", "AXQ004");
            }
            for (int i = 0; i < ra.Count; i++)
            {
                if (ra[i].Value is not Tensor ta || rb[i].Value is not Tensor tb)
                {
                    continue;
                }
                if (!ta.Shape.SequenceEqual(tb.Shape))
                {
                    throw new AxonInputException($"output '{ra[i].Key}' is [{string.Join(",", ta.Shape)}] in A but [{string.Join(",", tb.Shape)}] in B", "AXQ004");
                }
                var (cos, abs, rel) = Measure(ta.ToDoubles(), tb.ToDoubles());
                string name = ra[i].Key;
                if (!worst.TryGetValue(name, out var w))
                {
                    order.Add(name);
                    w = (1, 0, 0);
                }
                worst[name] = (Math.Min(w.Cos, cos), Math.Max(w.Abs, abs), Math.Max(w.Rel, rel));
                if (i == 0)
                {
                    classifier &= ta.Rank >= 1 && ta.Shape[^1] > 1;
                    if (classifier)
                    {
                        int c = ta.Shape[^1];
                        double[] da = ta.ToDoubles(), db = tb.ToDoubles();
                        for (int r = 0; r * c < da.Length; r++)
                        {
                            int pa = ArgMax(da, r * c, c), pb = ArgMax(db, r * c, c);
                            agree += pa == pb ? 1 : 0;
                            if (labels is not null && rows < labels.Count)
                            {
                                hitA += pa == labels[rows] ? 1 : 0;
                                hitB += pb == labels[rows] ? 1 : 0;
                            }
                            rows++;
                        }
                    }
                }
            }
        }
        var (la, lb) = timingRuns > 0 ? Latency(a, b, samples, timingRuns) : (0, 0);
        bool labelled = classifier && labels is not null && rows > 0;
        if (labelled && labels!.Count < rows)
        {
            throw new AxonInputException($"the labels file has {labels.Count} labels but the samples have {rows} rows", "AXQ005");
        }
        return new ComparisonReport
        {
            Outputs = order.Select(n => new OutputComparison(n, worst[n].Cos, worst[n].Abs, worst[n].Rel)).ToList(),
            Samples = samples.Samples.Count,
            Top1Agreement = classifier && rows > 0 ? (double)agree / rows : null,
            AccuracyA = labelled ? (double)hitA / rows : null,
            AccuracyB = labelled ? (double)hitB / rows : null,
            LatencyA = la,
            LatencyB = lb,
        };
    }

    /// <summary>Cosine, max absolute and max relative error of b against a.</summary>
    public static (double Cosine, double MaxAbs, double MaxRel) Measure(double[] a, double[] b)
    {
        double ab = 0, aa = 0, bb = 0, maxAbs = 0, peak = 0;
        for (int i = 0; i < a.Length; i++)
        {
            peak = Math.Max(peak, Math.Abs(a[i]));
        }
        double floor = Math.Max(1e-3 * peak, 1e-12), maxRel = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
            double d = Math.Abs(a[i] - b[i]);
            maxAbs = Math.Max(maxAbs, d);
            maxRel = Math.Max(maxRel, d / Math.Max(Math.Abs(a[i]), floor));
        }
        // Two all-zero outputs agree exactly; NaN anywhere makes the cosine NaN (reported, never hidden).
        double cos = aa == 0 && bb == 0 ? 1 : aa == 0 || bb == 0 ? 0 : ab / Math.Sqrt(aa * bb);
        return (Math.Min(1, cos), maxAbs, maxRel);
    }

    private static int ArgMax(double[] v, int start, int count)
    {
        int best = 0;
        for (int j = 1; j < count; j++)
        {
            if (v[start + j] > v[start + best])
            {
                best = j;
            }
        }
        return best;
    }

    /// <summary>Median per-sample latency of each session over alternating passes through the samples (up to 8 samples).</summary>
    public static (double A, double B) Latency(InferenceSession a, InferenceSession b, SampleSet samples, int runs)
    {
        var subset = samples.Samples.Take(8).ToList();
        var ta = new List<double>();
        var tb = new List<double>();
        for (int r = 0; r < Math.Max(1, runs); r++)
        {
            foreach (var s in subset)
            {
                long t0 = Stopwatch.GetTimestamp();
                a.Run(s);
                ta.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                t0 = Stopwatch.GetTimestamp();
                b.Run(s);
                tb.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
        }
        return (Median(ta), Median(tb));
    }

    private static double Median(List<double> v)
    {
        if (v.Count == 0)
        {
            return 0;
        }
        v.Sort();
        return v[v.Count / 2];
    }
}
