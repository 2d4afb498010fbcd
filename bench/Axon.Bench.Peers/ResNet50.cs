using Axon;
using Axon.Graph;
using Axon.Graph.Builder;

/// <summary>
/// A ResNet-50-shaped model (v1.5: stride on the 3×3 of each bottleneck) with seeded random weights, built with the
/// GraphBuilder: 7×7/2 stem + BN + ReLU + 3×3/2 max pool, bottleneck stages of 3, 4, 6, 3 blocks (64-256, 128-512,
/// 256-1024, 512-2048 channels), global average pool, 1000-way Gemm. Input x [batch, 3, 224, 224]; about 4.1 GFLOP
/// per image (4.09 G multiply-adds). BatchNorm stays in the graph so each engine folds it the way it normally would.
/// </summary>
internal static class ResNet50
{
    public const double GflopPerImage = 8.18;

    public static Model Build(ulong seed = 7)
    {
        var b = new GraphBuilder("resnet50");
        int n = 0;
        Value Conv(Value x, int cin, int cout, int k, int stride, bool relu)
        {
            n++;
            int pad = k / 2;
            var w = b.RandomWeight($"conv{n}_w", [cout, cin, k, k], seed + (ulong)n);
            var y = b.Conv(x, w, null, strides: [stride, stride], pads: [pad, pad, pad, pad]);
            y = b.BatchNorm(y, cout, $"bn{n}");
            return relu ? b.Relu(y) : y;
        }
        var x = b.Input("x", DType.Float32, "batch", 3, 224, 224);
        var h = Conv(x, 3, 64, 7, 2, relu: true);
        h = b.MaxPool(h, [3, 3], strides: [2, 2], pads: [1, 1, 1, 1]);
        int cin = 64;
        int[] blocks = [3, 4, 6, 3];
        for (int stage = 0; stage < 4; stage++)
        {
            int width = 64 << stage;
            int cout = width * 4;
            for (int i = 0; i < blocks[stage]; i++)
            {
                int stride = i == 0 && stage > 0 ? 2 : 1;
                var shortcut = i == 0 ? Conv(h, cin, cout, 1, stride, relu: false) : h;
                var y = Conv(h, cin, width, 1, 1, relu: true);
                y = Conv(y, width, width, 3, stride, relu: true);
                y = Conv(y, width, cout, 1, 1, relu: false);
                h = b.Relu(b.Add(y, shortcut));
                cin = cout;
            }
        }
        h = b.Flatten(b.GlobalAveragePool(h));
        var logits = b.Gemm(h, b.RandomWeight("fc_w", [2048, 1000], seed, WeightInit.Xavier), b.Zeros("fc_b", [1000]));
        b.Output(logits);
        return b.Build();
    }
}
