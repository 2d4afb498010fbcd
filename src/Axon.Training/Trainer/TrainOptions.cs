using Axon.Training.Optim;

namespace Axon.Training.Trainer;

/// <summary>Settings of one training run (the flags of <c>axon train</c>).</summary>
public sealed record TrainOptions
{
    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 64;

    /// <summary>Peak learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>"adamw" or "sgd".</summary>
    public string Optimizer { get; init; } = "adamw";
    public float Momentum { get; init; } = 0.9f;
    public bool Nesterov { get; init; }
    public float WeightDecay { get; init; } = 1e-4f;

    /// <summary>"cosine" (with warm-up), "step" or "constant".</summary>
    public string Schedule { get; init; } = "cosine";
    public int WarmupSteps { get; init; } = 100;

    /// <summary>Global-norm gradient clipping threshold (0 = off).</summary>
    public float ClipNorm { get; init; }

    public Precision Precision { get; init; } = Precision.Fp32;
    public Rounding Rounding { get; init; } = Rounding.Nearest;
    public ulong Seed { get; init; } = 1;

    /// <summary>Replicas in this process (each with its own session and one thread).</summary>
    public int Cores { get; init; } = 1;

    public string? CheckpointDir { get; init; }

    /// <summary>Write a checkpoint every this many steps (0: only at the end of each epoch).</summary>
    public int CheckpointEvery { get; init; }

    public bool Resume { get; init; }

    /// <summary>Stop after this many update steps in total (for tests; 0 = no limit).</summary>
    public long MaxSteps { get; init; }

    /// <summary>
    /// Longest warm-up before the first epoch's clock starts: throw-away steps until .NET has finished recompiling the hot
    /// code (see <c>Trainer</c>'s warm-up). 0: one step only (plans built, methods compiled once).
    /// </summary>
    public double WarmupSeconds { get; init; }

    /// <summary>Evaluate on the test set at the end of each epoch.</summary>
    public bool Evaluate { get; init; } = true;

    /// <summary>A description of the model, stored in checkpoints and checked on resume.</summary>
    public string ModelName { get; init; } = "model";

    internal string ConfigKey =>
        $"model={ModelName};batch={BatchSize};opt={Optimizer};precision={Precision};rounding={Rounding};seed={Seed}";
}

/// <summary>Progress of a run, reported after every step.</summary>
public readonly record struct TrainProgress(int Epoch, int Batch, int BatchesPerEpoch, long Step, double BatchLoss, double Loss, double Accuracy, double SamplesPerSecond, float LearningRate);
