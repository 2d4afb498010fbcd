using Axon.Graph.Reference;
using Axon.Onnx;
using Axon.Runtime;
using Axon.Serving.Repository;
using Axon.Testing;

namespace Axon.Serving.Tests;

/// <summary>The committed default repository is exactly what the generator writes (set AXON_REGENERATE_MODELS=1 to rewrite it).</summary>
public sealed class DefaultRepositoryTests
{
    private static string Models => Path.Combine(TestPaths.RepoRoot, "models");

    [Fact]
    public void CommittedModelMatchesTheGenerator()
    {
        if (Environment.GetEnvironmentVariable("AXON_REGENERATE_MODELS") == "1")
        {
            DefaultRepository.Write(Models);
        }
        string dir = Path.Combine(Models, DefaultRepository.ModelName);
        Assert.True(File.Exists(Path.Combine(dir, "1", "model.onnx")), $"missing {dir}/1/model.onnx: run the tests once with AXON_REGENERATE_MODELS=1");
        var committed = File.ReadAllBytes(Path.Combine(dir, "1", "model.onnx"));
        Assert.True(committed.Length < 1 << 20, $"the default model is {committed.Length} bytes; keep it under 1 MB");
        var model = OnnxModel.Load(committed, null);
        Assert.Equal(["input"], model.Graph.RuntimeInputs.Select(v => v.Name));
        Assert.Equal(["logits"], model.Graph.Outputs.Select(v => v.Name));
        if (model.ProducerName == "axon-builder")
        {
            // Still the generated placeholder (a trained model of the same signature may replace it).
            Assert.Equal(OnnxModel.ToBytes(DefaultRepository.BuildClassifier()), committed);
            Assert.Equal(DefaultRepository.Config, File.ReadAllText(Path.Combine(dir, "config.yaml")));
        }
        Assert.Equal(64, ModelConfig.Load(Path.Combine(dir, "config.yaml"), "config.yaml").MaxBatchSize);
    }

    [Fact]
    public void ClassifierHasTheServedSignatureAndRunsLikeTheReference()
    {
        var model = OnnxModel.Load(OnnxModel.ToBytes(DefaultRepository.BuildClassifier()), null);
        var input = Tensor.FromArray(Support.TestServer.Image(3, 7), 3, 1, 28, 28);
        using var session = new InferenceSession(model);
        var fast = (Tensor)session.Run(new Dictionary<string, Tensor> { ["input"] = input })[0].Value!;
        var reference = (Tensor)new ReferenceExecutor(model).Run(new Dictionary<string, IValue?> { ["input"] = input }).Single(kv => kv.Key == "logits").Value!;
        Assert.Equal([3, 10], fast.Shape);
        var a = fast.ToArray<float>();
        var b = reference.ToArray<float>();
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4f + 1e-4f * Math.Abs(b[i]), $"logit {i}: {a[i]} vs reference {b[i]}");
        }
        Assert.True(a.Distinct().Count() > 20, "seeded weights should give distinct logits");
    }

    [Fact]
    public void ConfigParsesWithTheDeclaredSignature()
    {
        var c = ModelConfig.Parse(DefaultRepository.Config, "config.yaml");
        Assert.Equal(64, c.MaxBatchSize);
        Assert.Equal([8, 16, 32], c.DynamicBatching!.PreferredBatchSize!);
        Assert.Equal("input", c.Inputs![0].Name);
        Assert.Equal([-1L, 1, 28, 28], c.Inputs[0].Shape!);
    }
}
