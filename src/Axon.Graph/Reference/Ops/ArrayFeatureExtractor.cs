namespace Axon.Graph.Reference.Ops;

/// <summary>ai.onnx.ml ArrayFeatureExtractor: gathers the listed indices of X's last axis (a 1-D X is treated as [1, N]).</summary>
[Op("ArrayFeatureExtractor", Domain = "ai.onnx.ml")]
internal sealed class ArrayFeatureExtractor : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var idx = ctx.Input(1).ToInt64s();
        if (x.Rank == 0)
        {
            throw ctx.Error("X must have at least one axis");
        }
        if (x.Rank == 1)
        {
            x = x.Reshape(1, x.Length);
        }
        int n = x.Shape[^1];
        int rows = n == 0 ? 0 : x.Length / n;
        foreach (var i in idx)
        {
            if (i < 0 || i >= n)
            {
                throw ctx.Error($"index {i} is outside the last axis (size {n})");
            }
        }
        var shape = (int[])x.Shape.Clone();
        shape[^1] = idx.Length;
        var r = Tensor.Create(x.DType, shape);
        for (int row = 0; row < rows; row++)
        {
            for (int k = 0; k < idx.Length; k++)
            {
                AxisOps.Copy(x, row * n + (int)idx[k], r, row * idx.Length + k, 1);
            }
        }
        return [r];
    }
}
