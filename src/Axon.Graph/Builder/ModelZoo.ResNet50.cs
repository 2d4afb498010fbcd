namespace Axon.Graph.Builder;

/// <summary>ResNet-50 (He et al. 2015, v1.5 strides) with seeded random weights: the standard CV benchmark shape.</summary>
public static class ResNet50Zoo
{
    private static readonly int[] Blocks = [3, 4, 6, 3];
    private static readonly int[] Widths = [64, 128, 256, 512];

    /// <summary>
    /// x [batch, 3, size, size] -> Conv7x7/2+BN+Relu -> MaxPool3x3/2 -> 16 bottleneck blocks ([3, 4, 6, 3] per stage,
    /// stride 2 on the 3x3 conv of each stage's first block) -> GlobalAveragePool -> Flatten -> Gemm -> y [batch, classes].
    /// About 25.6 M parameters and 4.1 GMAC per 224x224 image.
    /// </summary>
    public static Model Build(int classes = 1000, int size = 224, ulong seed = 1)
    {
        var b = new GraphBuilder("resnet50");
        var x = b.Input("x", DType.Float32, "batch", 3, size, size);
        var h = ConvBn(b, x, 3, 64, 7, 2, "conv1", seed);
        h = b.MaxPool(b.Relu(h), [3, 3], strides: [2, 2], pads: [1, 1, 1, 1]);
        int inC = 64;
        for (int stage = 0; stage < Blocks.Length; stage++)
        {
            for (int block = 0; block < Blocks[stage]; block++)
            {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                h = Bottleneck(b, h, inC, Widths[stage], stride, $"layer{stage + 1}.{block}", seed);
                inC = Widths[stage] * 4;
            }
        }
        h = b.Flatten(b.GlobalAveragePool(h));
        var logits = b.Gemm(h, b.RandomWeight("fc_w", [inC, classes], seed, WeightInit.Xavier), b.Zeros("fc_b", [classes]));
        b.Output(logits, "y");
        return b.Build();
    }

    private static Value Bottleneck(GraphBuilder b, Value x, int inC, int width, int stride, string name, ulong seed)
    {
        var h = b.Relu(ConvBn(b, x, inC, width, 1, 1, name + ".conv1", seed));
        h = b.Relu(ConvBn(b, h, width, width, 3, stride, name + ".conv2", seed));
        h = ConvBn(b, h, width, width * 4, 1, 1, name + ".conv3", seed);
        var shortcut = stride != 1 || inC != width * 4 ? ConvBn(b, x, inC, width * 4, 1, stride, name + ".down", seed) : x;
        return b.Relu(b.Add(h, shortcut));
    }

    private static Value ConvBn(GraphBuilder b, Value x, int inC, int outC, int k, int stride, string name, ulong seed)
    {
        long p = k / 2;
        var c = b.Conv(x, b.RandomWeight(name + "_w", [outC, inC, k, k], seed), strides: [stride, stride], pads: [p, p, p, p]);
        return b.BatchNorm(c, outC, name + "_bn");
    }
}
