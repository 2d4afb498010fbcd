using Axon.Kernels.Threading;

namespace Axon.Runtime.Precision;

/// <summary>One quantized product's effect on accuracy: the model's score with only this product kept in FP32.</summary>
public sealed record SensitivityRow(string Name, double ScoreWhenExcluded, double Gain);

/// <summary>What <see cref="Sensitivity.AutoExclude"/> found and chose.</summary>
public sealed record SensitivityResult
{
    /// <summary>The score with every candidate quantized.</summary>
    public required double Baseline { get; init; }

    /// <summary>One row per candidate, most sensitive (largest gain when kept in FP32) first; empty when the baseline met the target.</summary>
    public required IReadOnlyList<SensitivityRow> Rows { get; init; }

    /// <summary>The products kept in FP32, in the order they were chosen.</summary>
    public required IReadOnlyList<string> Excluded { get; init; }

    /// <summary>The score with <see cref="Excluded"/> kept in FP32.</summary>
    public required double Final { get; init; }

    public required bool MetTarget { get; init; }
}

/// <summary>
/// Keeps the quantized products that cost the most accuracy in FP32, measured end to end rather than guessed: score the
/// model with everything quantized; if that misses the target, score it once per candidate with only that candidate in
/// FP32 (its gain is how much the score rises), then exclude candidates from the largest gain down, re-scoring after
/// each, until the target is met or <c>maxExcluded</c> are out. Scores are deterministic (the same inputs, the same
/// kernels), so the search is reproducible.
/// </summary>
public static class Sensitivity
{
    /// <param name="candidates">names the quantizer accepts as exclusions (node or output names)</param>
    /// <param name="score">the model's accuracy (higher is better, e.g. worst cosine against FP32) with the given names kept in FP32</param>
    /// <param name="target">the score to reach</param>
    /// <param name="maxExcluded">the most candidates to keep in FP32 (the rest of the speed-up must survive)</param>
    /// <param name="progress">(phase, done, total)</param>
    public static SensitivityResult AutoExclude(IReadOnlyList<string> candidates, Func<IReadOnlyCollection<string>, double> score,
        double target, int maxExcluded, Action<string, int, int>? progress = null)
    {
        double baseline = score([]);
        if (baseline >= target || candidates.Count == 0 || maxExcluded <= 0)
        {
            return new SensitivityResult { Baseline = baseline, Rows = [], Excluded = [], Final = baseline, MetTarget = baseline >= target };
        }
        var rows = new List<SensitivityRow>();
        for (int i = 0; i < candidates.Count; i++)
        {
            progress?.Invoke("sensitivity: one product at a time in FP32", i, candidates.Count);
            double s = score([candidates[i]]);
            rows.Add(new SensitivityRow(candidates[i], s, s - baseline));
        }
        progress?.Invoke("sensitivity: one product at a time in FP32", candidates.Count, candidates.Count);
        rows.Sort((a, b) => b.Gain.CompareTo(a.Gain) is var c && c != 0 ? c : string.CompareOrdinal(a.Name, b.Name));
        var excluded = new List<string>();
        double current = baseline;
        foreach (var row in rows.Take(maxExcluded))
        {
            if (current >= target)
            {
                break;
            }
            excluded.Add(row.Name);
            // The first exclusion was scored alone already.
            current = excluded.Count == 1 ? row.ScoreWhenExcluded : score(excluded);
            progress?.Invoke("sensitivity: excluding the most sensitive", excluded.Count, Math.Min(maxExcluded, rows.Count));
        }
        return new SensitivityResult { Baseline = baseline, Rows = rows, Excluded = excluded, Final = current, MetTarget = current >= target };
    }

    /// <summary>
    /// The worst cosine, over samples and outputs, of a session's outputs against reference outputs computed once
    /// (<see cref="ReferenceOutputs"/>): the score <c>axon quantize --auto-exclude</c> uses.
    /// </summary>
    public static double WorstCosine(InferenceSession session, SampleSet samples, IReadOnlyList<double[][]> reference)
    {
        double worst = 1;
        for (int s = 0; s < samples.Samples.Count; s++)
        {
            var r = session.Run(samples.Samples[s]);
            for (int i = 0; i < r.Count && i < reference[s].Length; i++)
            {
                if (r[i].Value is Tensor t && reference[s][i].Length > 0)
                {
                    worst = Math.Min(worst, ModelComparer.Measure(reference[s][i], t.ToDoubles()).Cosine);
                }
            }
        }
        return worst;
    }

    /// <summary>Every output of every sample as doubles (outputs that are not tensors are empty).</summary>
    public static IReadOnlyList<double[][]> ReferenceOutputs(InferenceSession session, SampleSet samples) =>
        samples.Samples.Select(s => session.Run(s).Select(kv => kv.Value is Tensor t ? t.ToDoubles() : []).ToArray()).ToList();

    /// <summary>Scores a compiled candidate on a pool (helper for callers that build a session per exclusion set).</summary>
    internal static double Score(Axon.Graph.Model model, WorkerPool pool, SampleSet samples, IReadOnlyList<double[][]> reference)
    {
        using var session = new InferenceSession(model, pool);
        return WorstCosine(session, samples, reference);
    }
}
