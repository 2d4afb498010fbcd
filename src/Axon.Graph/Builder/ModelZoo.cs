namespace Axon.Graph.Builder;

/// <summary>Small canned models with seeded weights, for tests, benchmarks and demos. Inputs have a symbolic batch.</summary>
public static class ModelZoo
{
    /// <summary>x [batch, inputs] -> Gemm+Relu per hidden layer -> Gemm -> Softmax -> y [batch, classes].</summary>
    public static Model Mlp(int inputs = 784, int[]? hidden = null, int classes = 10, ulong seed = 1)
    {
        hidden ??= [128];
        var b = new GraphBuilder("mlp");
        var h = b.Input("x", DType.Float32, "batch", inputs);
        int width = inputs;
        for (int i = 0; i < hidden.Length; i++)
        {
            h = b.Relu(b.Gemm(h, b.RandomWeight($"w{i + 1}", [width, hidden[i]], seed), b.Zeros($"b{i + 1}", [hidden[i]])));
            width = hidden[i];
        }
        var logits = b.Gemm(h, b.RandomWeight("w_out", [width, classes], seed, WeightInit.Xavier), b.Zeros("b_out", [classes]));
        b.Output(b.Softmax(logits), "y");
        return b.Build();
    }

    /// <summary>
    /// x [batch, channels, size, size] -> Conv3x3+BN+Relu -> MaxPool2 -> Conv3x3+Relu -> GlobalAveragePool -> Flatten ->
    /// Gemm -> Softmax -> y [batch, classes].
    /// </summary>
    public static Model SmallCnn(int channels = 3, int size = 32, int classes = 10, int width = 16, ulong seed = 1)
    {
        var b = new GraphBuilder("small_cnn");
        var x = b.Input("x", DType.Float32, "batch", channels, size, size);
        var c1 = b.Conv(x, b.RandomWeight("conv1_w", [width, channels, 3, 3], seed), b.Zeros("conv1_b", [width]), pads: [1, 1, 1, 1]);
        var h = b.Relu(b.BatchNorm(c1, width, "bn1"));
        h = b.MaxPool(h, [2, 2], strides: [2, 2]);
        var c2 = b.Conv(h, b.RandomWeight("conv2_w", [2 * width, width, 3, 3], seed), b.Zeros("conv2_b", [2 * width]), pads: [1, 1, 1, 1]);
        h = b.Flatten(b.GlobalAveragePool(b.Relu(c2)));
        var logits = b.Gemm(h, b.RandomWeight("fc_w", [2 * width, classes], seed, WeightInit.Xavier), b.Zeros("fc_b", [classes]));
        b.Output(b.Softmax(logits), "y");
        return b.Build();
    }

    /// <summary>A ResNet basic block: relu(x + BN(Conv3x3(relu(BN(Conv3x3(x)))))), shape-preserving.</summary>
    public static Model ResNetBlock(int channels = 16, int size = 8, ulong seed = 1)
    {
        var b = new GraphBuilder("resnet_block");
        var x = b.Input("x", DType.Float32, "batch", channels, size, size);
        var h = b.Conv(x, b.RandomWeight("conv1_w", [channels, channels, 3, 3], seed), pads: [1, 1, 1, 1]);
        h = b.Relu(b.BatchNorm(h, channels, "bn1"));
        h = b.Conv(h, b.RandomWeight("conv2_w", [channels, channels, 3, 3], seed), pads: [1, 1, 1, 1]);
        h = b.BatchNorm(h, channels, "bn2");
        b.Output(b.Relu(b.Add(h, x)), "y");
        return b.Build();
    }
}
