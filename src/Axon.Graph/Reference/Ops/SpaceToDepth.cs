namespace Axon.Graph.Reference.Ops;

/// <summary>SpaceToDepth: moves b x b spatial tiles of an NCHW tensor into channels (channel = (bh, bw, c)).</summary>
[Op("SpaceToDepth")]
internal sealed class SpaceToDepth : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        int b = (int)ctx.Int("blocksize", 0);
        if (x.Rank != 4 || b < 1 || x.Shape[2] % b != 0 || x.Shape[3] % b != 0)
        {
            throw ctx.Error($"input {NdIndex.Str(x.Shape)} with blocksize {b} is not NCHW with H and W divisible by the blocksize");
        }
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2] / b, w = x.Shape[3] / b;
        var t = NdIndex.Transpose(x.Reshape(n, c, h, b, w, b), [0, 3, 5, 1, 2, 4]);
        return [t.Reshape(n, c * b * b, h, w)];
    }
}
