using Axon.Compiler;

namespace Axon.Runtime.Tests.Runtime;

public sealed class AutoCastLoadTests
{
    [Theory]
    [InlineData(CastType.BFloat16, 2e-2f)]
    [InlineData(CastType.Float16, 2e-3f)]
    public void AutoCastAtLoadNarrowsTheWeightsAndStaysClose(CastType type, float tol)
    {
        var model = RuntimeFixtures.SmallMlp();
        var x = RuntimeFixtures.Input(3, rows: 4);
        var fp32 = RuntimeFixtures.Reference(model, x);
        using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);
        using var h = rt.Load(model, new ModelOptions { Name = "mlp", AutoCast = AutoCast.MatMult, AutoCastType = type });
        var y = h.Run(RuntimeFixtures.Feeds(x)).Values.Single().ToArray<float>();
        // Narrowed weights change the result (so the cast happened) but only by the narrow type's rounding.
        Assert.Equal(fp32.Length, y.Length);
        // FP32 kernels differ from the reference by re-association only (~1e-7); narrowed weights move outputs far more.
        float maxDiff = fp32.Zip(y).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(maxDiff > 1e-5f, $"outputs moved only {maxDiff}: the weights were not narrowed");
        RuntimeFixtures.Close(fp32, y, tol);
    }
}
