namespace Axon.Targets.Tests;

public class CatalogTests
{
    [Fact]
    public void BuiltInCatalogLoadsAndEveryEntryHasASourceAndDate()
    {
        var c = TargetCatalog.Load("");
        Assert.Empty(c.Problems());
        foreach (var id in new[] { "neuroncore-v1", "neuroncore-v2", "neuroncore-v3", "t4", "a10g", "l4", "a100", "h100" })
        {
            Assert.NotEmpty(c.Device(id).PeakTflopsPerCore);
        }
        foreach (var name in new[] { "inf1.xlarge", "inf2.xlarge", "inf2.48xlarge", "trn1.2xlarge", "trn1.32xlarge", "trn1n.32xlarge", "trn2.48xlarge", "g4dn.xlarge", "g5.xlarge", "g6.xlarge", "p4d.24xlarge", "p5.48xlarge" })
        {
            Assert.False(string.IsNullOrWhiteSpace(c.Instance(name).Source));
        }
        Assert.Equal(0.7582, c.Instance("inf2.xlarge").Prices["us-east-1"]);
        Assert.Equal(2, c.Instance("trn1.2xlarge").Cores);
        foreach (var pm in new[] { "on-demand", "ri-1y", "ri-3y", "savings-plan", "spot" })
        {
            Assert.InRange(c.Purchase(pm).DiscountFor("inf2"), 0, 0.9);
        }
        Assert.True(c.Benchmarks.Count >= 15);
    }

    [Fact]
    public void UserFileOverridesByNameAndAnEntryWithoutSourceIsReported()
    {
        string path = Path.Combine(Path.GetTempPath(), $"axon-catalog-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """
            { "instances": [
                { "name": "inf2.xlarge", "device": "neuroncore-v2", "chips": 1, "cores": 2, "prices": { "us-east-1": 0.5 }, "source": "my negotiated rate", "date": "2026-01-01" },
                { "name": "my.box", "device": "t4", "chips": 1, "cores": 1, "prices": { "us-east-1": 0.1 } } ] }
            """);
        try
        {
            var c = TargetCatalog.Load(path);
            Assert.Equal(0.5, c.Instance("inf2.xlarge").Prices["us-east-1"]);
            Assert.Contains(c.Problems(), p => p.Contains("my.box") && p.Contains("no source"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BadInputsAreClearErrors()
    {
        var c = TargetCatalog.Load("");
        Assert.Equal("AXT003", Assert.Throws<AxonInputException>(() => c.Instance("inf9.huge")).Code);
        Assert.Equal("AXT004", Assert.Throws<AxonInputException>(() => c.Target("tpu")).Code);
        Assert.Equal("AXT001", Assert.Throws<AxonInputException>(() => TargetCatalog.Load("/nonexistent/catalog.json")).Code);
        string bad = Path.Combine(Path.GetTempPath(), $"axon-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(bad, "{ not json");
        try
        {
            Assert.Equal("AXT002", Assert.Throws<AxonInputException>(() => TargetCatalog.Load(bad)).Code);
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
