using Axon.Graph;
using Axon.Graph.Builder;

namespace Axon.Training.Trainer;

/// <summary>
/// The image classifiers <c>axon train fashion-mnist</c> offers, built as forward IR and differentiated by
/// <see cref="Autograd"/>: "mlp" (784-256-10), "cnn" (two 3x3 conv + 2x2 max-pool stages, 16 and 32 channels, then
/// 1568-128-10) and "linear" (softmax regression). Input "input" float [batch,1,28,28], output "logits" [batch,10];
/// labels are int64 class indices fed to SoftmaxCrossEntropyLoss (mean).
/// </summary>
public static class FashionModels
{
    public static readonly string[] Names = ["cnn", "mlp", "linear", "cnn-bn"];

    public static TrainProgram Create(string name, ulong seed, int height = 28, int width = 28, int classes = 10)
    {
        if (name == "cnn-bn")
        {
            // The CNN with BatchNorm after each convolution and Dropout(0.25) before the classifier, built from modules:
            // BatchNorm trains on batch statistics and keeps running ones for inference; Dropout draws a fresh mask per step.
            int flatBn = 32 * (height / 4) * (width / 4);
            var net = new Sequential(
                new Conv2d(1, 16, 3, padding: 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
                new Conv2d(16, 32, 3, padding: 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(flatBn, 128), new ReLU(), new Dropout(0.25f), new Linear(128, classes));
            return FromModule(net, $"fashion-mnist-{name}", seed, height, width);
        }
        var b = new GraphBuilder(name);
        var input = b.Input("input", DType.Float32, "batch", 1, height, width);
        Value logits;
        switch (name)
        {
            case "linear":
                logits = b.Gemm(b.Flatten(input), b.RandomWeight("fc.weight", [height * width, classes], seed, WeightInit.Xavier), b.Zeros("fc.bias", [classes]));
                break;
            case "mlp":
                var h = b.Relu(b.Gemm(b.Flatten(input), b.RandomWeight("fc1.weight", [height * width, 256], seed), b.Zeros("fc1.bias", [256])));
                logits = b.Gemm(h, b.RandomWeight("fc2.weight", [256, classes], seed, WeightInit.Xavier), b.Zeros("fc2.bias", [classes]));
                break;
            case "cnn":
                var c1 = b.MaxPool(b.Relu(b.Conv(input, b.RandomWeight("conv1.weight", [16, 1, 3, 3], seed), b.Zeros("conv1.bias", [16]), pads: [1, 1, 1, 1])), [2, 2], [2, 2]);
                var c2 = b.MaxPool(b.Relu(b.Conv(c1, b.RandomWeight("conv2.weight", [32, 16, 3, 3], seed), b.Zeros("conv2.bias", [32]), pads: [1, 1, 1, 1])), [2, 2], [2, 2]);
                int flat = 32 * (height / 4) * (width / 4);
                var f = b.Relu(b.Gemm(b.Flatten(c2), b.RandomWeight("fc1.weight", [flat, 128], seed), b.Zeros("fc1.bias", [128])));
                logits = b.Gemm(f, b.RandomWeight("fc2.weight", [128, classes], seed, WeightInit.Xavier), b.Zeros("fc2.bias", [classes]));
                break;
            default:
                throw new AxonInputException($"unknown model '{name}' (choose {string.Join(", ", Names)})", "AXT114");
        }
        b.Output(logits, "logits");
        var forward = b.Build();
        return FromForward(forward, name, seed);
    }

    /// <summary>A module-built classifier: its training graph (state included) and its inference graph with parameters and state as inputs.</summary>
    public static TrainProgram FromModule(Module net, string name, ulong seed, int height = 28, int width = 28)
    {
        object[] shape = ["batch", 1, height, width];
        var tg = net.BuildTraining(shape, seed);
        var forward = net.BuildForward(shape, seed);
        var inf = forward.Graph.Clone();
        inf.Nodes.Add(new Node("Identity", [inf.Outputs[0].Name], ["logits"], "logits"));
        inf.Outputs.Clear();
        inf.Outputs.Add(new ValueInfo("logits", TypeInfo.Unknown));
        foreach (var p in tg.Parameters.Concat(tg.StateInputs))
        {
            if (inf.Initializers.Remove(p, out var t))
            {
                inf.Inputs.Add(new ValueInfo(p, TypeInfo.Tensor(t.DType, t.SymShape)));
            }
        }
        var infModel = new Model(inf) { ProducerName = "axon-train" };
        infModel.OpsetImports[""] = forward.OpsetImports[""];
        return new TrainProgram
        {
            TrainModel = tg.ToModel(),
            LossOutput = tg.LossOutput,
            Parameters = tg.Parameters,
            GradientOf = tg.GradientOf,
            StateOf = tg.StateOf,
            ImageInput = "input",
            LabelInput = Losses.LabelsInput,
            LogitsOutput = Losses.LogitsOutput,
            InferenceModel = infModel,
            InitialParameters = tg.InitialValues,
            Name = name,
        };
    }

    private static TrainProgram FromForward(Model forward, string name, ulong seed)
    {

        // The loss graph: the same forward pass plus labels and the mean cross-entropy.
        var withLoss = forward.Graph.Clone();
        withLoss.Inputs.Add(new ValueInfo("labels", TypeInfo.Tensor(DType.Int64, new SymShape([Dim.Sym("batch")]))));
        withLoss.Nodes.Add(new Node("SoftmaxCrossEntropyLoss", ["logits", "labels"], ["loss"], name: "loss"));
        withLoss.Outputs.Clear();
        withLoss.Outputs.Add(new ValueInfo("loss", TypeInfo.Unknown));
        withLoss.Outputs.Add(new ValueInfo("logits", TypeInfo.Unknown));
        var tg = Autograd.Build(withLoss, "loss");
        if (tg.StateOf.Count > 0)
        {
            throw new AxonUnsupportedException($"model '{name}' has non-trainable state, which the trainer does not feed yet");
        }

        // Inference: the forward graph with parameters as inputs (the trainer feeds its current weights).
        var inf = forward.Graph.Clone();
        foreach (var p in tg.Parameters)
        {
            var t = inf.Initializers[p];
            inf.Initializers.Remove(p);
            inf.Inputs.Add(new ValueInfo(p, TypeInfo.Tensor(t.DType, t.SymShape)));
        }
        var infModel = new Model(inf) { ProducerName = "axon-train" };
        infModel.OpsetImports[""] = forward.OpsetImports[""];
        return new TrainProgram
        {
            TrainModel = tg.ToModel(),
            LossOutput = tg.LossOutput,
            Parameters = tg.Parameters,
            GradientOf = tg.GradientOf,
            ImageInput = "input",
            LabelInput = "labels",
            LogitsOutput = "logits",
            InferenceModel = infModel,
            InitialParameters = tg.InitialValues,
            Name = $"fashion-mnist-{name}",
        };
    }
}
