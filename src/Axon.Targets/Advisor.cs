namespace Axon.Targets;

/// <summary>What the user needs served and how they pay.</summary>
public sealed record AdviseRequest
{
    public required double Rps { get; init; }
    public required double P99Ms { get; init; }
    public string Pricing { get; init; } = "on-demand";
    public string Region { get; init; } = "us-east-1";
    public double HoursPerMonth { get; init; } = 730;
    public string Precision { get; init; } = "bf16";
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 2, 4, 8, 16, 32, 64];
    public IReadOnlyDictionary<string, long> Dims { get; init; } = new Dictionary<string, long>();

    /// <summary>Instance names to consider (empty: every priced accelerator instance in the catalog).</summary>
    public IReadOnlyList<string> Instances { get; init; } = [];
}

/// <summary>One ranked option: how many instances of a type serve the load within the latency objective, and what it costs.</summary>
public sealed record AdviceRow
{
    public required string Instance { get; init; }
    public required string Target { get; init; }
    public required int BatchSize { get; init; }
    public required int Cores { get; init; }
    public required double ThroughputPerInstance { get; init; }
    public required double LatencyMs { get; init; }

    /// <summary>The upper edge of the projection's error band, compared against the objective.</summary>
    public required double P99Ms { get; init; }
    public required int Count { get; init; }

    /// <summary>USD per hour of one instance after the purchase-model discount.</summary>
    public required double PricePerHour { get; init; }
    public required double CostPerHour { get; init; }
    public required double CostPerMonth { get; init; }

    /// <summary>Cost of one million inferences at the requested load: cost per hour / (rps x 3600) x 10^6.</summary>
    public required double CostPerMillion { get; init; }
    public required Bound Bound { get; init; }
    public required double ErrorBand { get; init; }
    public required string Reasoning { get; init; }
}

/// <summary>The advisor's answer: options meeting the objective, cheapest first, and why the others were left out.</summary>
public sealed record Advice(IReadOnlyList<AdviceRow> Rows, IReadOnlyList<string> Rejected);

/// <summary>
/// Ranks instance types for a serving load: for each, the batch size with the highest throughput whose projected
/// latency (at the top of its error band) meets the p99 objective, the instances needed (one replica per core),
/// and the cost per hour, month and million inferences under the chosen purchase model.
/// </summary>
public sealed class Advisor(Projector projector)
{
    public Advice Advise(PreparedModel model, AdviseRequest request, IEnumerable<(InstanceProjection Measured, InstanceSpec PriceProxy)>? measured = null)
    {
        if (request.Rps <= 0 || request.P99Ms <= 0 || request.HoursPerMonth <= 0)
        {
            throw new AxonInputException("--rps, --p99-ms and --hours-per-month must be positive", "AXT013");
        }
        var catalog = projector.Catalog;
        var purchase = catalog.Purchase(request.Pricing);
        var candidates = request.Instances.Count > 0
            ? request.Instances.Select(catalog.Instance).ToList()
            : catalog.Instances.Where(i => i.Device != "cpu").ToList();
        var rows = new List<AdviceRow>();
        var rejected = new List<string>();
        foreach (var inst in candidates)
        {
            if (!inst.Prices.TryGetValue(request.Region, out double onDemand))
            {
                rejected.Add($"{inst.Name}: no {request.Region} price in the catalog{(inst.PriceNote is null ? "" : " (" + inst.PriceNote + ")")}");
                continue;
            }
            var options = request.BatchSizes.Select(b => projector.ProjectInstance(model, inst, b, request.Precision, request.Dims)).ToList();
            var ok = options.Where(p => p.Fits && p.LatencyMs * (1 + p.ErrorBand) <= request.P99Ms).ToList();
            if (ok.Count == 0)
            {
                var best = options.Where(p => p.Fits).MinBy(p => p.LatencyMs);
                rejected.Add(best is null
                    ? $"{inst.Name}: the model does not fit ({options[0].Notes.LastOrDefault()})"
                    : $"{inst.Name}: fastest batch {best.BatchSize} projects {best.LatencyMs * (1 + best.ErrorBand):F1} ms at the top of its ±{best.ErrorBand:P0} band, over the {request.P99Ms} ms objective");
                continue;
            }
            rows.Add(Row(ok.MaxBy(p => p.Throughput)!, inst, onDemand, purchase, request));
        }
        foreach (var (m, proxy) in measured ?? [])
        {
            if (!proxy.Prices.TryGetValue(request.Region, out double onDemand))
            {
                rejected.Add($"cpu-local: no {request.Region} price for its proxy {proxy.Name}");
            }
            else if (m.LatencyMs * (1 + m.ErrorBand) > request.P99Ms)
            {
                rejected.Add($"cpu-local: measured {m.LatencyMs:F1} ms at batch {m.BatchSize} (±{m.ErrorBand:P0}), over the {request.P99Ms} ms objective");
            }
            else
            {
                rows.Add(Row(m, proxy, onDemand, purchase, request) with { Instance = "cpu-local" });
            }
        }
        return new Advice(rows.OrderBy(r => r.CostPerHour).ThenBy(r => r.LatencyMs).ToList(), rejected);
    }

    /// <summary>The arithmetic, in one place: count = ceil(rps / throughput); cost/h = count x price x (1 − discount).</summary>
    internal static AdviceRow Row(InstanceProjection p, InstanceSpec inst, double onDemand, PurchaseModel purchase, AdviseRequest r)
    {
        double discount = purchase.DiscountFor(inst.Family);
        double price = onDemand * (1 - discount);
        int count = (int)Math.Ceiling(r.Rps / p.Throughput);
        double perHour = count * price;
        return new AdviceRow
        {
            Instance = inst.Name,
            Target = p.Target,
            BatchSize = p.BatchSize,
            Cores = p.Replicas,
            ThroughputPerInstance = p.Throughput,
            LatencyMs = p.LatencyMs,
            P99Ms = p.LatencyMs * (1 + p.ErrorBand),
            Count = count,
            PricePerHour = price,
            CostPerHour = perHour,
            CostPerMonth = perHour * r.HoursPerMonth,
            CostPerMillion = perHour / (r.Rps * 3600) * 1e6,
            Bound = p.Bound,
            ErrorBand = p.ErrorBand,
            Reasoning = FormattableString.Invariant(
                $"batch {p.BatchSize} on {p.Replicas} {(p.Replicas == 1 ? "replica" : "replicas")} ({p.Target}, {p.Precision}), {p.Bound.ToString().ToLowerInvariant()}-bound, {p.Throughput:F0}/s per instance; {count} x ${price:F4}/h ({purchase.Id}, {discount:P0} off)"),
        };
    }

    /// <summary>Training time and cost of E epochs over N samples on each training-capable instance, cheapest first.</summary>
    public IReadOnlyList<(TrainingProjection Projection, double Hours, double Cost, double PricePerHour)> AdviseTraining(
        PreparedModel model, int epochs, long datasetSize, int microBatch, string precision, string pricing, string region,
        IReadOnlyList<string>? instances = null, IReadOnlyDictionary<string, long>? dims = null)
    {
        if (epochs <= 0 || datasetSize <= 0 || microBatch <= 0)
        {
            throw new AxonInputException("--epochs, --dataset-size and --micro-batch must be positive", "AXT013");
        }
        var catalog = projector.Catalog;
        var purchase = catalog.Purchase(pricing);
        var list = instances is { Count: > 0 }
            ? instances.Select(catalog.Instance).ToList()
            : catalog.Instances.Where(i => i.Name.StartsWith("trn", StringComparison.Ordinal) || catalog.DeviceOf(i).IsGpu).ToList();
        var result = new List<(TrainingProjection, double, double, double)>();
        foreach (var inst in list)
        {
            if (!inst.Prices.TryGetValue(region, out double od))
            {
                continue;
            }
            var t = TrainingProjector.Project(model, catalog, inst, precision, microBatch, 1, dims);
            double hours = epochs * (double)datasetSize / t.SamplesPerSecond / 3600;
            double price = od * (1 - purchase.DiscountFor(inst.Family));
            result.Add((t, hours, hours * price, price));
        }
        return result.OrderBy(r => r.Item3).ToList();
    }
}
