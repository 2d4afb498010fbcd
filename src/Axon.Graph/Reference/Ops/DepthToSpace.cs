namespace Axon.Graph.Reference.Ops;

/// <summary>
/// DepthToSpace: moves channel blocks into b x b spatial tiles of an NCHW tensor. DCR mode (the only one before opset 11)
/// reads the channel as (bh, bw, c); CRD as (c, bh, bw).
/// </summary>
[Op("DepthToSpace")]
internal sealed class DepthToSpace : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        int b = (int)ctx.Int("blocksize", 0);
        if (x.Rank != 4 || b < 1 || x.Shape[1] % (b * b) != 0)
        {
            throw ctx.Error($"input {NdIndex.Str(x.Shape)} with blocksize {b} is not NCHW with channels divisible by blocksize^2");
        }
        int n = x.Shape[0], c = x.Shape[1] / (b * b), h = x.Shape[2], w = x.Shape[3];
        string mode = ctx.String("mode", "DCR");
        Tensor t = mode switch
        {
            "DCR" => NdIndex.Transpose(x.Reshape(n, b, b, c, h, w), [0, 3, 4, 1, 5, 2]),
            "CRD" => NdIndex.Transpose(x.Reshape(n, c, b, b, h, w), [0, 1, 4, 2, 5, 3]),
            _ => throw ctx.Error($"unknown mode '{mode}'"),
        };
        return [t.Reshape(n, c, h * b, w * b)];
    }
}
