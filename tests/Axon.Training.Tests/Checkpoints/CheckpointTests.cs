using Axon.Training.Checkpoints;

namespace Axon.Training.Tests.Checkpoints;

public class CheckpointTests
{
    private static Checkpoint Make(long step)
    {
        var c = new Checkpoint { Step = step, Epoch = 2, NextBatch = 7, Seed = 9, RngState = 12345, OptimizerName = "adamw", OptimizerSteps = step, Config = "x" };
        c.Parameters.Add(("w", [2, 3], [1, 2, 3, 4, 5, (float)step]));
        c.OptimizerState.Add([0.5f, 0.25f]);
        c.History.Add(new EpochResult(1, 0.5, 0.8, 0.81, 1000));
        return c;
    }

    private static string TempDir() => Directory.CreateTempSubdirectory("axon-ckpt-").FullName;

    [Fact]
    public void RoundTripsEveryField()
    {
        string dir = TempDir();
        string path = CheckpointStore.Save(dir, Make(42));
        var c = CheckpointStore.Load(path);
        Assert.Equal(42, c.Step);
        Assert.Equal(7, c.NextBatch);
        Assert.Equal(12345UL, c.RngState);
        Assert.Equal(new[] { 2, 3 }, c.Parameters[0].Shape);
        Assert.Equal(42f, c.Parameters[0].Data[5]);
        Assert.Equal(new[] { 0.5f, 0.25f }, c.OptimizerState[0]);
        Assert.Equal(0.81, c.History[0].TestAccuracy);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp-*"));
    }

    [Fact]
    public void KeepsOnlyTheNewest()
    {
        string dir = TempDir();
        for (int s = 1; s <= 5; s++)
        {
            CheckpointStore.Save(dir, Make(s), keep: 2);
        }
        Assert.Equal(2, CheckpointStore.List(dir).Count);
        Assert.Equal(5, CheckpointStore.LoadNewestValid(dir)!.Step);
    }

    [Fact]
    public void TruncatedOrCorruptNewestFallsBackToPreviousWithAWarning()
    {
        string dir = TempDir();
        CheckpointStore.Save(dir, Make(1));
        string second = CheckpointStore.Save(dir, Make(2));
        string third = CheckpointStore.Save(dir, Make(3));
        var bytes = File.ReadAllBytes(third);
        File.WriteAllBytes(third, bytes[..(bytes.Length / 2)]);
        var b2 = File.ReadAllBytes(second);
        b2[40] ^= 0xFF;
        File.WriteAllBytes(second, b2);
        var warnings = new List<string>();
        var c = CheckpointStore.LoadNewestValid(dir, warnings.Add);
        Assert.Equal(1, c!.Step);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("truncated", warnings[0]);
        Assert.Contains("checksum", warnings[1]);
        var e = Assert.Throws<AxonException>(() => CheckpointStore.Load(third));
        Assert.Equal("AXT133", e.Code);
    }

    [Fact]
    public void NotACheckpointAndEmptyFolder()
    {
        string dir = TempDir();
        Assert.Null(CheckpointStore.LoadNewestValid(dir));
        string junk = Path.Combine(dir, "ckpt-0000000009.axck");
        File.WriteAllText(junk, "hello, this is not a checkpoint at all");
        Assert.Equal("AXT131", Assert.Throws<AxonException>(() => CheckpointStore.Load(junk)).Code);
        Assert.Null(CheckpointStore.LoadNewestValid(dir));
    }
}
