using Axon.Onnx;

namespace Axon.Runtime.Tests.Runtime;

public sealed class CompileCacheLoadTests
{
    [Fact]
    public void ASecondLoadOfTheSameOnnxFileIsACompileCacheHitWithTheSameOutputs()
    {
        string dir = Path.Combine(Path.GetTempPath(), "axon-cache-load-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var model = RuntimeFixtures.SmallMlp();
            string onnx = Path.Combine(dir, "mlp.onnx");
            OnnxModel.Save(model, onnx);
            string cache = Path.Combine(dir, "cache");
            var x = RuntimeFixtures.Input(5, rows: 3);
            var expected = RuntimeFixtures.Reference(model, x);
            using var rt = new AxonRuntime(RuntimeFixtures.TwoCores);

            using (var first = rt.Load(onnx, new ModelOptions { Name = "a", CacheDir = cache }))
            {
                Assert.False(ModelLoader.LastLoadWasCacheHit);
                RuntimeFixtures.Close(expected, first.Run(RuntimeFixtures.Feeds(x)).Values.Single().ToArray<float>());
            }
            Assert.Single(Directory.GetFiles(cache, "*.axon"));

            using var second = rt.Load(onnx, new ModelOptions { Name = "b", CacheDir = cache });
            Assert.True(ModelLoader.LastLoadWasCacheHit);
            RuntimeFixtures.Close(expected, second.Run(RuntimeFixtures.Feeds(x)).Values.Single().ToArray<float>());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
