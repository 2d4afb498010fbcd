using Axon.Graph;
using Axon.Graph.Reference;
using Axon.Onnx;
using Axon.Runtime;
using Axon.Training.Tests.Autograd;

namespace Axon.Training.Tests.Modules;

public sealed class ModuleTests
{
    [Fact]
    public void Same_seed_gives_the_same_parameters_and_different_seeds_differ()
    {
        var a = CnnTrainingTests.SmallCnn().BuildForward(["batch", 1, 28, 28], seed: 7).Graph.Initializers["0.weight"].ToArray<float>();
        var b = CnnTrainingTests.SmallCnn().BuildForward(["batch", 1, 28, 28], seed: 7).Graph.Initializers["0.weight"].ToArray<float>();
        var c = CnnTrainingTests.SmallCnn().BuildForward(["batch", 1, 28, 28], seed: 8).Graph.Initializers["0.weight"].ToArray<float>();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Transformer_block_with_embedding_attention_layernorm_and_gelu_matches_finite_differences()
    {
        var model = new Sequential(
            new Embedding(11, 8), new LayerNorm(8), new MultiHeadAttention(8, 2, causal: true), new Linear(8, 16), new GELU(), new Linear(16, 8));
        var b = new Axon.Graph.Builder.GraphBuilder("tiny");
        var ids = b.Input("ids", DType.Int64, 2, 4);
        var ctx = new ForwardContext(b, training: true, seed: 3);
        var h = ctx.Run(model, ids);
        var loss = b.Node("ReduceMean", [b.Mul(h, h)], Attr.Of("keepdims", 0L));
        b.Output(loss, "loss");
        var g = b.Build().Graph;
        var toF64 = g.Clone();
        foreach (var kv in g.Initializers.Where(kv => kv.Value.DType == DType.Float32))
        {
            toF64.Initializers[kv.Key] = Tensor.FromDoubles(DType.Float64, kv.Value.ToDoubles(), kv.Value.Shape);
        }
        var tg = GradCheck.Check(toF64, "loss", new Dictionary<string, Tensor> { ["ids"] = Tensor.FromArray(new long[] { 1, 5, 5, 10, 0, 2, 3, 4 }, 2, 4) },
            maxPerParam: 6, tol: 1e-5);
        Assert.Contains("2.q.weight", tg.Parameters);
        Assert.Contains("0.weight", tg.Parameters);
    }

    [Fact]
    public void BatchNorm_module_trains_with_batch_stats_and_exports_running_stats_to_onnx_and_axon()
    {
        var model = new Sequential(new Conv2d(1, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new GlobalAvgPool2d(), new Flatten(), new Linear(4, 3));
        var tg = model.BuildTraining(["batch", 1, 6, 6], seed: 2);
        Assert.Equal(["1.running_mean", "1.running_var"], tg.StateInputs);
        Assert.DoesNotContain("1.running_mean", tg.Parameters);
        var data = new Dictionary<string, Tensor>
        {
            ["input"] = GradCheck.Random(4, DType.Float32, 5, 1, 6, 6),
            ["labels"] = Tensor.FromArray(new long[] { 0, 1, 2, 1, 0 }),
        };
        var outs = GradCheck.RunCompiled(tg, data);
        var runningMean = outs[tg.StateOf["1.running_mean"]];
        Assert.Contains(runningMean.ToArray<float>(), v => v != 0);

        // Trained values (here: one SGD step plus the new running stats) flow back into the module and out as ONNX.
        var trained = tg.Parameters.ToDictionary(p => p, p => Sub(tg.InitialValues[p], outs[tg.GradientOf[p]]));
        trained["1.running_mean"] = runningMean;
        trained["1.running_var"] = outs[tg.StateOf["1.running_var"]];
        var inference = ModelExport.WithParameters(model.BuildForward(["batch", 1, 6, 6], seed: 2), trained);
        var dir = Directory.CreateTempSubdirectory("axon-export").FullName;
        ModelExport.SaveOnnx(inference, Path.Combine(dir, "m.onnx"));
        ModelExport.SaveAxon(inference, Path.Combine(dir, "m.axon"));
        var reloaded = OnnxModel.Load(Path.Combine(dir, "m.onnx"));
        Assert.Equal(runningMean.ToArray<float>(), reloaded.Graph.Initializers["1.running_mean"].ToArray<float>());
        Assert.True(new FileInfo(Path.Combine(dir, "m.axon")).Length > 0);
        var x = new Dictionary<string, Tensor> { ["input"] = data["input"] };
        using var s = new InferenceSession(reloaded);
        var y = (Tensor)s.Run(x)[0].Value!;
        var r = (Tensor)new ReferenceExecutor(inference).Run(x.ToDictionary(kv => kv.Key, kv => (IValue?)kv.Value))[0].Value!;
        Assert.Equal([5, 3], y.Shape);
        Assert.All(y.ToArray<float>().Zip(r.ToArray<float>()), p => Assert.True(Math.Abs(p.First - p.Second) < 1e-4));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Fine_tuning_an_onnx_model_trains_the_chosen_initializers_only()
    {
        var model = Axon.Graph.Builder.ModelZoo.Mlp(inputs: 12, hidden: [6], classes: 4);
        var bytes = OnnxModel.ToBytes(model);
        var loaded = OnnxModel.Load(bytes, null);
        // The zoo MLP ends in Softmax; fine-tune the head on the pre-softmax logits.
        var softmax = loaded.Graph.Nodes.Single(n => n.OpType == "Softmax");
        loaded.Graph.Outputs.Add(new ValueInfo(softmax.Inputs[0], TypeInfo.Unknown));
        var tg = FineTuning.Prepare(loaded, softmax.Inputs[0], n => n.EndsWith("_out", StringComparison.Ordinal));
        Assert.Equal(["w_out", "b_out"], tg.Parameters);
        var data = new Dictionary<string, Tensor> { ["x"] = GradCheck.Random(3, DType.Float32, 3, 12), ["labels"] = Tensor.FromArray(new long[] { 1, 3, 0 }) };
        var outs = GradCheck.RunCompiled(tg, data);
        Assert.True(outs[tg.LossOutput].GetDouble(0) > 0);
        Assert.Equal([6, 4], outs[tg.GradientOf["w_out"]].Shape);
    }

    private static Tensor Sub(Tensor a, Tensor g) =>
        Tensor.FromArray(a.ToArray<float>().Zip(g.ToArray<float>(), (x, d) => x - 0.1f * d).ToArray(), a.Shape);
}
