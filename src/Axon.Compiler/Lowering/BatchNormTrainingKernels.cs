using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// BatchNormalization in training mode (float32, outputs Y and optionally the running mean/var, not the saved
/// statistics): batch mean and biased variance per channel, running = running·momentum + batch·(1 - momentum), as the
/// reference op. Statistics are accumulated in double.
/// </summary>
[KernelFor("BatchNormalization")]
internal sealed class BatchNormTrainingKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        if (r.Opset < 14 || r.Node.GetInt("training_mode", 0) == 0 || !r.AllFloat32 || r.InputShape(0) is not { Length: >= 2 } x
            || r.Node.Outputs.Count > 3 || Enumerable.Range(1, 4).Any(i => r.InputShape(i) is not [var c] || c != x[1]))
        {
            return null;
        }
        return new Kernel(x[0], x[1], x[2..].Aggregate(1, (p, v) => p * v), r.Node.GetFloat("epsilon", 1e-5f), r.Node.GetFloat("momentum", 0.9f),
            r.Node.Outputs.Count > 1 && r.Node.Outputs[1].Length > 0, r.Node.Outputs.Count > 2 && r.Node.Outputs[2].Length > 0);
    }

    private sealed class Kernel(int n, int c, int plane, float eps, float momentum, bool runMean, bool runVar) : INodeKernel
    {
        public string Name => "batchnorm.training";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var x = inputs[0]!.Span<float>();
            var scale = inputs[1]!.Span<float>();
            var bias = inputs[2]!.Span<float>();
            var mean = inputs[3]!.Span<float>();
            var var = inputs[4]!.Span<float>();
            var y = outputs[0].Span<float>();
            for (int k = 0; k < c; k++)
            {
                var (m, v) = BatchStats.Moments(x, n, c, plane, k);
                float inv = (float)(1 / Math.Sqrt(v + eps));
                float a = scale[k] * inv, b = bias[k] - (float)m * a;
                for (int i = 0; i < n; i++)
                {
                    var src = x.Slice((i * c + k) * plane, plane);
                    var dst = y.Slice((i * c + k) * plane, plane);
                    for (int j = 0; j < plane; j++)
                    {
                        dst[j] = src[j] * a + b;
                    }
                }
                if (runMean)
                {
                    outputs[1].Span<float>()[k] = (float)(mean[k] * momentum + m * (1 - momentum));
                }
                if (runVar)
                {
                    outputs[2].Span<float>()[k] = (float)(var[k] * momentum + v * (1 - momentum));
                }
            }
        }
    }
}

/// <summary>axon:BatchNormGrad(dY, X, Scale), float32: dX, dScale, dBias from the recomputed batch statistics.</summary>
[KernelFor("BatchNormGrad", Domain = "axon")]
internal sealed class BatchNormGradKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) =>
        r.AllFloat32 && r.InputShape(1) is { Length: >= 2 } x && r.InputShape(0) is { } dy && dy.AsSpan().SequenceEqual(x)
        && r.InputShape(2) is [var c] && c == x[1] && r.Node.Outputs.Count == 3
            ? new Kernel(x[0], x[1], x[2..].Aggregate(1, (p, v) => p * v), r.Node.GetFloat("epsilon", 1e-5f))
            : null;

    private sealed class Kernel(int n, int c, int plane, float eps) : INodeKernel
    {
        public string Name => "batchnorm.grad";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var dy = inputs[0]!.Span<float>();
            var x = inputs[1]!.Span<float>();
            var scale = inputs[2]!.Span<float>();
            var dx = outputs[0].Span<float>();
            var dScale = outputs[1].Span<float>();
            var dBias = outputs[2].Span<float>();
            double count = (double)n * plane;
            for (int k = 0; k < c; k++)
            {
                var (m, v) = BatchStats.Moments(x, n, c, plane, k);
                double inv = 1 / Math.Sqrt(v + eps);
                double sumDy = 0, sumDyX = 0;
                for (int i = 0; i < n; i++)
                {
                    var g = dy.Slice((i * c + k) * plane, plane);
                    var xs = x.Slice((i * c + k) * plane, plane);
                    sumDy += System.Numerics.Tensors.TensorPrimitives.Sum(g);
                    sumDyX += System.Numerics.Tensors.TensorPrimitives.Dot(g, xs);
                }
                double ds = (sumDyX - m * sumDy) * inv;
                dScale[k] = (float)ds;
                dBias[k] = (float)sumDy;
                // dx = scale·inv/M·(M·dy - ΣdY - x̂·dScale) = a·dy + b·x + e
                double f = scale[k] * inv / count;
                float a = (float)(f * count), b = (float)(-f * ds * inv), e = (float)(f * (-sumDy + m * ds * inv));
                for (int i = 0; i < n; i++)
                {
                    int o = (i * c + k) * plane;
                    for (int j = 0; j < plane; j++)
                    {
                        dx[o + j] = a * dy[o + j] + b * x[o + j] + e;
                    }
                }
            }
        }
    }
}

internal static class BatchStats
{
    /// <summary>Mean and biased variance of channel <paramref name="k"/> over images and positions (two passes, double sums).</summary>
    public static (double Mean, double Var) Moments(ReadOnlySpan<float> x, int n, int c, int plane, int k)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += System.Numerics.Tensors.TensorPrimitives.Sum(x.Slice((i * c + k) * plane, plane));
        }
        double count = (double)n * plane;
        double mean = sum / count;
        double sq = 0;
        for (int i = 0; i < n; i++)
        {
            foreach (var v in x.Slice((i * c + k) * plane, plane))
            {
                double d = v - mean;
                sq += d * d;
            }
        }
        return (mean, sq / count);
    }
}
