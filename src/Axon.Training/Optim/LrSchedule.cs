namespace Axon.Training.Optim;

/// <summary>The learning rate as a function of the update step (0-based).</summary>
public abstract class LrSchedule
{
    public abstract float At(long step);

    /// <summary>The same rate at every step.</summary>
    public static LrSchedule Constant(float lr) => new ConstantSchedule(lr);

    /// <summary>Linear warm-up from 0 to <paramref name="peak"/> over <paramref name="warmup"/> steps, then cosine decay to <paramref name="min"/> at <paramref name="total"/>.</summary>
    public static LrSchedule WarmupCosine(float peak, long warmup, long total, float min = 0f) => new WarmupCosineSchedule(peak, warmup, total, min);

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> steps (after an optional linear warm-up).</summary>
    public static LrSchedule Step(float lr, long stepSize, float gamma, long warmup = 0) => new StepSchedule(lr, stepSize, gamma, warmup);

    private sealed class ConstantSchedule(float lr) : LrSchedule
    {
        public override float At(long step) => lr;
    }

    private sealed class WarmupCosineSchedule(float peak, long warmup, long total, float min) : LrSchedule
    {
        public override float At(long step)
        {
            if (step < warmup)
            {
                return peak * (step + 1) / warmup;
            }
            long span = Math.Max(1, total - warmup);
            double t = Math.Clamp((double)(step - warmup) / span, 0, 1);
            return (float)(min + (peak - min) * 0.5 * (1 + Math.Cos(Math.PI * t)));
        }
    }

    private sealed class StepSchedule(float lr, long stepSize, float gamma, long warmup) : LrSchedule
    {
        public override float At(long step)
        {
            if (step < warmup)
            {
                return lr * (step + 1) / warmup;
            }
            return (float)(lr * Math.Pow(gamma, (step - warmup) / Math.Max(1, stepSize)));
        }
    }
}
