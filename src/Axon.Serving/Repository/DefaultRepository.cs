using Axon.Graph;
using Axon.Graph.Builder;
using Axon.Onnx;

namespace Axon.Serving.Repository;

/// <summary>
/// The default repository shipped in <c>models/</c>: a Fashion-MNIST-shaped classifier with fixed seeded weights
/// (input "input" FP32 [-1,1,28,28], output "logits" FP32 [-1,10]) until a trained one of the same signature replaces it.
/// <see cref="Write"/> regenerates it byte for byte; a test checks the committed file against it.
/// </summary>
public static class DefaultRepository
{
    /// <summary>The model's name in the repository.</summary>
    public const string ModelName = "fashion_mnist";

    /// <summary>Its <c>config.yaml</c>.</summary>
    public const string Config = """
        # Fashion-MNIST classifier: a 28x28 grayscale image in, 10 class logits out
        # (T-shirt, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot).
        max_batch_size: 64
        dynamic_batching:
          preferred_batch_size: [8, 16, 32]
          max_queue_delay_microseconds: 200
        precision: fp32
        inputs:
          - { name: input, datatype: FP32, shape: [-1, 1, 28, 28] }
        outputs:
          - { name: logits, datatype: FP32, shape: [-1, 10] }

        """;

    /// <summary>Conv3x3(8)+Relu, MaxPool2, Conv3x3(16)+Relu, MaxPool2, Flatten, Gemm(784-&gt;10); seeded weights.</summary>
    public static Model BuildClassifier(ulong seed = 20261126)
    {
        var b = new GraphBuilder("fashion_mnist_cnn", opset: 17);
        var x = b.Input("input", DType.Float32, "batch", 1, 28, 28);
        var h = b.Relu(b.Conv(x, b.RandomWeight("conv1_w", [8, 1, 3, 3], seed), b.Zeros("conv1_b", [8]), pads: [1, 1, 1, 1]));
        h = b.MaxPool(h, [2, 2], strides: [2, 2]);
        h = b.Relu(b.Conv(h, b.RandomWeight("conv2_w", [16, 8, 3, 3], seed), b.Zeros("conv2_b", [16]), pads: [1, 1, 1, 1]));
        h = b.Flatten(b.MaxPool(h, [2, 2], strides: [2, 2]));
        var logits = b.Gemm(h, b.RandomWeight("fc_w", [16 * 7 * 7, 10], seed, WeightInit.Xavier), b.Zeros("fc_b", [10]));
        b.Output(logits, "logits", TypeInfo.Tensor(DType.Float32, new SymShape([Dim.Sym("batch"), 10])));
        return b.Build();
    }

    /// <summary>Writes <c>ROOT/fashion_mnist/config.yaml</c> and <c>ROOT/fashion_mnist/1/model.onnx</c>.</summary>
    public static void Write(string root)
    {
        string dir = Path.Combine(root, ModelName);
        Directory.CreateDirectory(Path.Combine(dir, "1"));
        File.WriteAllText(Path.Combine(dir, "config.yaml"), Config);
        File.WriteAllBytes(Path.Combine(dir, "1", "model.onnx"), OnnxModel.ToBytes(BuildClassifier()));
    }
}
