namespace Axon.Training.Checkpoints;

/// <summary>One epoch's summary (what <c>axon train --json</c> reports).</summary>
public sealed record EpochResult(int Epoch, double Loss, double TrainAccuracy, double TestAccuracy, double SamplesPerSecond);

/// <summary>
/// Everything needed to continue a run exactly where it stopped: parameters, optimizer state, the generator state used
/// for stochastic rounding, the data position (epoch and next batch; the shuffle order is a function of seed and epoch),
/// the update step, the loss scale, and the epochs finished so far.
/// </summary>
public sealed class Checkpoint
{
    public long Step { get; set; }
    public int Epoch { get; set; }
    public int NextBatch { get; set; }
    public ulong Seed { get; set; }
    public ulong RngState { get; set; }
    public float LossScale { get; set; } = 1f;
    public int LossScaleGoodSteps { get; set; }
    public string OptimizerName { get; set; } = "";

    /// <summary>Running sums of the epoch in progress (so a resumed epoch reports the same loss and accuracy).</summary>
    public double EpochLossSum { get; set; }
    public long EpochCorrect { get; set; }
    public long EpochSamples { get; set; }
    public double EpochSeconds { get; set; }

    public long OptimizerSteps { get; set; }

    /// <summary>A free-form description of the run's configuration (model, precision...), checked on resume.</summary>
    public string Config { get; set; } = "";

    /// <summary>Parameters by name, in the program's order, with their shapes.</summary>
    public List<(string Name, int[] Shape, float[] Data)> Parameters { get; } = [];

    public List<float[]> OptimizerState { get; } = [];

    public List<EpochResult> History { get; } = [];

    /// <summary>The file this checkpoint was read from (null for one built in memory).</summary>
    public string? Path { get; set; }
}
