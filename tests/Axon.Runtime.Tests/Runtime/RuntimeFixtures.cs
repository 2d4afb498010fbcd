using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Graph.Reference;

namespace Axon.Runtime.Tests.Runtime;

/// <summary>Small models and inputs shared by the runtime tests.</summary>
internal static class RuntimeFixtures
{
    /// <summary>A small MLP: x [batch, 16] -> 32 -> 8 classes (softmax).</summary>
    public static Model SmallMlp() => ModelZoo.Mlp(inputs: 16, hidden: [32], classes: 8, seed: 7);

    /// <summary>A [rows, 16] input whose values depend on <paramref name="id"/>, so every request is distinct.</summary>
    public static Tensor Input(int id, int rows = 1, int width = 16)
    {
        var data = new float[rows * width];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = MathF.Sin(id * 0.37f + i * 0.11f) + (id % 7) * 0.05f;
        }
        return Tensor.FromArray(data, rows, width);
    }

    public static Dictionary<string, Tensor> Feeds(Tensor x) => new() { ["x"] = x };

    /// <summary>The reference executor's output for the unoptimized model.</summary>
    public static float[] Reference(Model model, Tensor x)
    {
        var outs = new ReferenceExecutor(model).Run(new Dictionary<string, IValue?> { ["x"] = x });
        return ((Tensor)outs[0].Value!).ToArray<float>();
    }

    public static void Close(float[] expected, float[] actual, float tol = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(expected[i] - actual[i]) <= tol * (1 + MathF.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    public static RuntimeOptions TwoCores => new() { Cores = [0, 1] };
}
