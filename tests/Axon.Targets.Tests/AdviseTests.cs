using Axon.Graph.Builder;
using Axon.Testing;
using Xunit.Abstractions;

namespace Axon.Targets.Tests;

/// <summary>The advisor's arithmetic checked by hand: instances = ceil(rps / throughput), cost = price x count, per million = cost / (rps x 3600) x 10^6.</summary>
public class AdviseTests(ITestOutputHelper output)
{
    private static readonly Lazy<PreparedModel> ResNet = new(() => Projector.Prepare(ResNet50Zoo.Build(), 2, "resnet50"));
    private static readonly Lazy<PreparedModel?> MiniLm = new(() => MiniLM.Load() is { } m ? Projector.Prepare(m, 2, "minilm") : null);

    private void CheckByHand(PreparedModel model, AdviseRequest request, Dictionary<string, long> dims)
    {
        var catalog = TargetCatalog.Load("");
        var projector = new Projector(catalog);
        var advice = new Advisor(projector).Advise(model, request);
        foreach (var r in advice.Rows)
        {
            output.WriteLine($"{r.Instance} x{r.Count} batch {r.BatchSize}: {r.ThroughputPerInstance:F0}/s, {r.LatencyMs:F2} ms, ${r.CostPerHour:F3}/h, ${r.CostPerMillion:F4}/M  {r.Reasoning}");
        }
        foreach (var r in advice.Rejected)
        {
            output.WriteLine("left out: " + r);
        }
        Assert.NotEmpty(advice.Rows);
        Assert.Equal(advice.Rows.OrderBy(r => r.CostPerHour).Select(r => r.Instance), advice.Rows.Select(r => r.Instance));
        var purchase = catalog.Purchase(request.Pricing);
        foreach (string name in new[] { "inf2.xlarge", "g5.xlarge" })
        {
            var row = Assert.Single(advice.Rows, r => r.Instance == name);
            var inst = catalog.Instance(name);
            // Recompute from an independent projection at the chosen batch.
            var p = projector.ProjectInstance(model, inst, row.BatchSize, request.Precision, dims);
            Assert.Equal(p.Throughput, row.ThroughputPerInstance, 6);
            Assert.True(p.LatencyMs * (1 + p.ErrorBand) <= request.P99Ms);
            double price = inst.Prices[request.Region] * (1 - purchase.DiscountFor(inst.Family));
            int count = (int)Math.Ceiling(request.Rps / p.Throughput);
            Assert.Equal(count, row.Count);
            Assert.True((count - 1) * p.Throughput < request.Rps, "one instance fewer would not carry the load");
            Assert.Equal(price * count, row.CostPerHour, 9);
            Assert.Equal(price * count * request.HoursPerMonth, row.CostPerMonth, 6);
            Assert.Equal(price * count / (request.Rps * 3600) * 1e6, row.CostPerMillion, 9);
            // No batch with more throughput also met the objective.
            foreach (int b in request.BatchSizes)
            {
                var other = projector.ProjectInstance(model, inst, b, request.Precision, dims);
                if (other.Throughput > row.ThroughputPerInstance + 1e-9)
                {
                    Assert.True(other.LatencyMs * (1 + other.ErrorBand) > request.P99Ms);
                }
            }
        }
    }

    [Fact]
    public void MiniLmOnInf2AndG5()
    {
        var m = MiniLm.Value;
        Assert.NotNull(m); // PackageDownload at restore; its absence is a build problem
        var dims = new Dictionary<string, long> { ["seq"] = 128 };
        CheckByHand(m!, new AdviseRequest { Rps = 500, P99Ms = 50, Dims = dims, Instances = ["inf2.xlarge", "g5.xlarge", "inf1.xlarge", "g4dn.xlarge"] }, dims);
    }

    [Fact]
    public void ResNet50OnInf2AndG5WithReservedPricing()
    {
        var dims = new Dictionary<string, long>();
        CheckByHand(ResNet.Value, new AdviseRequest { Rps = 2000, P99Ms = 40, Pricing = "ri-1y", Dims = dims, Instances = ["inf2.xlarge", "g5.xlarge", "trn1.2xlarge"] }, dims);
    }

    [Fact]
    public void AnObjectiveNothingMeetsIsExplained()
    {
        var advice = new Advisor(new Projector(TargetCatalog.Load(""))).Advise(ResNet.Value,
            new AdviseRequest { Rps = 10, P99Ms = 0.01, Instances = ["inf2.xlarge", "trn2.48xlarge"] });
        Assert.Empty(advice.Rows);
        Assert.Contains(advice.Rejected, r => r.StartsWith("inf2.xlarge") && r.Contains("objective"));
        Assert.Contains(advice.Rejected, r => r.StartsWith("trn2.48xlarge") && r.Contains("price"));
    }

    [Fact]
    public void TrainingTimeAndCostFollowFromThroughput()
    {
        var catalog = TargetCatalog.Load("");
        var rows = new Advisor(new Projector(catalog)).AdviseTraining(ResNet.Value, 2, 100_000, 16, "bf16", "on-demand", "us-east-1", ["trn1.2xlarge", "trn1.32xlarge", "p4d.24xlarge"]);
        Assert.Equal(3, rows.Count);
        foreach (var (t, hours, cost, price) in rows)
        {
            Assert.Equal(2 * 100_000 / t.SamplesPerSecond / 3600, hours, 9);
            Assert.Equal(catalog.Instance(t.Instance).Prices["us-east-1"], price, 9);
            Assert.Equal(hours * price, cost, 9);
            Assert.True(t.StepMs >= t.ComputeMs);
        }
    }

    [Fact]
    public void MiniLmLoweringMatchesTheBenchmarkEncoderShape()
    {
        var m = MiniLm.Value;
        Assert.NotNull(m);
        var dims = new Dictionary<string, long> { ["seq"] = 128 };
        var lowered = m!.Lower(1, dims);
        var synthetic = Calibration.BertWorkload.Build(new BenchmarkShape { Layers = 6, Hidden = 384, Heads = 12, Ffn = 1536, Seq = 128 }, 1);
        double a = lowered.Items.Sum(i => i.MatmulFlops), b = synthetic.Items.Sum(i => i.MatmulFlops);
        Assert.InRange(a / b, 0.98, 1.02);
        Assert.Equal(synthetic.Items.Count(i => i.Op == "Attention.qk"), lowered.Items.Count(i => i.Op == "Attention.qk"));
    }
}
