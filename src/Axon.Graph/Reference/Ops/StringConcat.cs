namespace Axon.Graph.Reference.Ops;

/// <summary>Elementwise string concatenation with NumPy-style broadcasting.</summary>
[Op("StringConcat")]
internal sealed class StringConcat : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Input(1);
        if (x.DType != DType.String || y.DType != DType.String)
        {
            throw ctx.Error($"inputs must be strings, got {x} and {y}");
        }
        var shape = Broadcast.Shape(x.Shape, y.Shape);
        var mx = Broadcast.IndexMap(x.Shape, shape);
        var my = Broadcast.IndexMap(y.Shape, shape);
        var xs = x.Strings;
        var ys = y.Strings;
        var r = new string[mx.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = xs[mx[i]] + ys[my[i]];
        }
        return [Tensor.FromStrings(r, shape)];
    }
}
