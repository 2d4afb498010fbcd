using System.Numerics.Tensors;

namespace Axon.Training.Optim;

/// <summary>
/// Dynamic loss scaling for FP16 gradients: the loss is multiplied by <see cref="Scale"/> before the backward pass so
/// small gradients survive FP16; <see cref="UnscaleAndCheck"/> divides them back and reports overflow. An overflowing
/// step is skipped and the scale halves; after <see cref="GrowthInterval"/> clean steps it doubles.
/// </summary>
public sealed class DynamicLossScaler(float initialScale = 65536f, int growthInterval = 2000, float growth = 2f, float backoff = 0.5f, float minScale = 1f)
{
    public float Scale { get; set; } = initialScale;
    public int GrowthInterval { get; } = growthInterval;

    /// <summary>Clean steps since the last change of scale (checkpointed with the scale).</summary>
    public int GoodSteps { get; set; }

    /// <summary>Divides every gradient by the scale; returns false (and leaves them unusable) if any is inf or NaN.</summary>
    public bool UnscaleAndCheck(IReadOnlyList<float[]> grads)
    {
        float inv = 1f / Scale;
        foreach (var g in grads)
        {
            TensorPrimitives.Multiply(g, inv, g);
            if (!float.IsFinite(TensorPrimitives.Sum<float>(g)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Adjusts the scale after a step: halve on overflow, double after enough clean steps.</summary>
    public void Update(bool finite)
    {
        if (!finite)
        {
            Scale = Math.Max(minScale, Scale * backoff);
            GoodSteps = 0;
            return;
        }
        if (++GoodSteps >= GrowthInterval)
        {
            Scale *= growth;
            GoodSteps = 0;
        }
    }
}
