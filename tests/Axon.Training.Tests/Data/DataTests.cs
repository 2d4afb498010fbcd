using System.IO.Compression;
using Axon.Training.Data;

namespace Axon.Training.Tests.Data;

public class DataTests
{
    private static string FashionDir => FashionMnist.DefaultDirectory;

    [Fact]
    public void ReadsFashionMnistTestSet()
    {
        var test = FashionMnist.Load(FashionDir, train: false);
        Assert.Equal(10000, test.Count);
        Assert.Equal(28, test.Height);
        Assert.Equal(28 * 28 * 10000, test.Pixels.Length);
        Assert.InRange(test.Pixels.Max(), 0.99f, 1f);
        // Every class appears 1000 times in the test set.
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, test.Labels.Count(l => l == c)));
        // The first test image is an ankle boot (label 9).
        Assert.Equal(9, test.Labels[0]);
    }

    [Fact]
    public void LimitKeepsTheFirstSamples()
    {
        var part = FashionMnist.Load(FashionDir, train: true, limit: 100);
        Assert.Equal(100, part.Count);
        Assert.Equal(9, part.Labels[0]);
    }

    [Fact]
    public void TruncatedFileGivesClearError()
    {
        string path = WriteGz([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]);
        var e = Assert.Throws<AxonInputException>(() => IdxReader.ReadBytes(path));
        Assert.Equal("AXT102", e.Code);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void BadMagicAndBadGzipGiveClearErrors()
    {
        var e = Assert.Throws<AxonInputException>(() => IdxReader.ReadBytes(WriteGz([1, 2, 8, 1, 0, 0, 0, 0])));
        Assert.Equal("AXT103", e.Code);
        string notGz = Path.Combine(Path.GetTempPath(), $"axon-idx-{Guid.NewGuid():N}.gz");
        File.WriteAllBytes(notGz, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
        e = Assert.Throws<AxonInputException>(() => IdxReader.ReadBytes(notGz));
        Assert.Equal("AXT101", e.Code);
        e = Assert.Throws<AxonInputException>(() => FashionMnist.Load("/nonexistent-dir", true));
        Assert.Equal("AXT100", e.Code);
    }

    [Fact]
    public void LoaderShufflesDeterministicallyAndCoversEverySample()
    {
        var data = Synthetic(103);
        var loader = new DataLoader(data, 10, shuffle: true, seed: 5, prefetch: 2);
        Assert.Equal(10, loader.BatchesPerEpoch);
        var e0 = loader.Epoch(0).ToList();
        Assert.Equal(10, e0.Count);
        var ids = e0.SelectMany(b => b.Pixels.Where((_, i) => i % 4 == 0)).Select(v => (int)v).ToList();
        Assert.Equal(100, ids.Distinct().Count());
        Assert.NotEqual(Enumerable.Range(0, 100), ids);
        Assert.Equal(ids, new DataLoader(data, 10, true, 5).Epoch(0).SelectMany(b => b.Pixels.Where((_, i) => i % 4 == 0)).Select(v => (int)v));
        Assert.NotEqual(loader.Order(0), loader.Order(1));
        // Labels travel with their pixels.
        Assert.All(e0, b => Assert.All(Enumerable.Range(0, b.Count), i => Assert.Equal((int)b.Pixels[i * 4] % 10, b.Labels[i])));
        // Starting mid-epoch gives the tail of the same order.
        Assert.Equal(e0[7].Pixels, loader.Epoch(0, 7).First().Pixels);
    }

    [Fact]
    public void AbandonedEpochStopsItsProducer()
    {
        var loader = new DataLoader(Synthetic(1000), 1, shuffle: false, seed: 1, prefetch: 1);
        Assert.Single(loader.Epoch(0).Take(1));
    }

    internal static LabeledImages Synthetic(int n)
    {
        var px = new float[n * 4];
        var lb = new int[n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < 4; k++)
            {
                px[i * 4 + k] = i;
            }
            lb[i] = i % 10;
        }
        return new LabeledImages(px, lb, 1, 2, 2, 10);
    }

    private static string WriteGz(byte[] content)
    {
        string p = Path.Combine(Path.GetTempPath(), $"axon-idx-{Guid.NewGuid():N}.gz");
        using var fs = File.Create(p);
        using var gz = new GZipStream(fs, CompressionLevel.Fastest);
        gz.Write(content);
        return p;
    }
}
