using Axon.Targets.Lowering;

namespace Axon.Targets.Calibration;

/// <summary>One published row next to the model's projection of it.</summary>
public sealed record BenchmarkCheck(BenchmarkRow Row, double Projected, string Device)
{
    /// <summary>Signed relative error (projected − published) / published.</summary>
    public double Error => (Projected - Row.Value) / Row.Value;
    public bool IsHoldout => Row.Role == "holdout";
}

/// <summary>Projects every published benchmark row of the catalog and reports the errors (the calibration check).</summary>
public static class BenchmarkSuite
{
    public static IReadOnlyList<BenchmarkCheck> Run(TargetCatalog catalog, Func<DeviceSpec, DeviceSpec>? adjust = null) =>
        catalog.Benchmarks.Select(r => Check(catalog, r, adjust)).ToList();

    public static BenchmarkCheck Check(TargetCatalog catalog, BenchmarkRow row, Func<DeviceSpec, DeviceSpec>? adjust = null)
    {
        var instance = catalog.Instance(row.Instance);
        var d = catalog.DeviceOf(instance);
        d = adjust?.Invoke(d) ?? d;
        Workload w = row.Shape.Kind switch
        {
            "bert" => BertWorkload.Build(row.Shape, row.BatchSize),
            var k => throw new AxonInputException($"benchmark '{row.Id}': unknown model kind '{k}'", "AXT012"),
        };
        double projected = row.Metric switch
        {
            "throughput" => Projector.FromCore(instance, d, Projector.Simulate(w, d, row.Precision, row.BatchSize), w).Throughput,
            "latency_ms" => Projector.Simulate(w, d, row.Precision, row.BatchSize).LatencyMs,
            "train_throughput" => TrainingProjector.Project(w, instance, d, row.Precision, row.BatchSize, row.Nodes).SamplesPerSecond,
            var m => throw new AxonInputException($"benchmark '{row.Id}': unknown metric '{m}'", "AXT012"),
        };
        return new BenchmarkCheck(row, projected, d.Id);
    }

    /// <summary>Median of |error| over the given checks (NaN when empty).</summary>
    public static double MedianAbsError(IEnumerable<BenchmarkCheck> checks)
    {
        var e = checks.Select(c => Math.Abs(c.Error)).Order().ToArray();
        return e.Length == 0 ? double.NaN : e.Length % 2 == 1 ? e[e.Length / 2] : (e[e.Length / 2 - 1] + e[e.Length / 2]) / 2;
    }

    /// <summary>The markdown table docs/targets.md carries.</summary>
    public static string Markdown(IReadOnlyList<BenchmarkCheck> checks)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("| row | model | instance | batch | precision | metric | published | projected | error | role |");
        sb.AppendLine("| --- | --- | --- | ---: | --- | --- | ---: | ---: | ---: | --- |");
        foreach (var c in checks)
        {
            var r = c.Row;
            sb.AppendLine(FormattableString.Invariant(
                $"| {r.Id} | {r.Model} | {r.Instance}{(r.Nodes > 1 ? $" x{r.Nodes}" : "")} | {r.BatchSize} | {r.Precision} | {r.Metric} | {r.Value:0.##} | {c.Projected:0.##} | {c.Error * 100:+0;-0;0}% | {r.Role} |"));
        }
        var hold = checks.Where(c => c.IsHoldout).ToList();
        var cal = checks.Where(c => !c.IsHoldout).ToList();
        sb.AppendLine();
        sb.AppendLine(FormattableString.Invariant(
            $"Median |error|: hold-out {MedianAbsError(hold) * 100:0.0}% over {hold.Count} rows, calibration {MedianAbsError(cal) * 100:0.0}% over {cal.Count} rows."));
        return sb.ToString();
    }
}
