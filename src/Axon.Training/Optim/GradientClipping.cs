using System.Numerics.Tensors;

namespace Axon.Training.Optim;

/// <summary>Gradient clipping by the global L2 norm over all parameters.</summary>
public static class GradientClipping
{
    /// <summary>The global L2 norm of all gradients (accumulated in double, in parameter order).</summary>
    public static double GlobalNorm(IReadOnlyList<float[]> grads)
    {
        double sum = 0;
        foreach (var g in grads)
        {
            double n = TensorPrimitives.Norm<float>(g);
            sum += n * n;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>
    /// Scales every gradient by maxNorm / norm when the global norm exceeds <paramref name="maxNorm"/>; returns the norm
    /// before clipping. A non-finite norm leaves the gradients untouched (the loss scaler or the caller decides).
    /// </summary>
    public static double ClipByGlobalNorm(IReadOnlyList<float[]> grads, double maxNorm)
    {
        double norm = GlobalNorm(grads);
        if (double.IsFinite(norm) && norm > maxNorm && maxNorm > 0)
        {
            float scale = (float)(maxNorm / (norm + 1e-6));
            foreach (var g in grads)
            {
                TensorPrimitives.Multiply(g, scale, g);
            }
        }
        return norm;
    }
}
