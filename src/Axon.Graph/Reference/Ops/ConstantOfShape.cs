namespace Axon.Graph.Reference.Ops;

/// <summary>ConstantOfShape: a tensor of the given shape filled with the one-element value attribute (default float 0).</summary>
[Op("ConstantOfShape")]
internal sealed class ConstantOfShape : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var dims = NdIndex.Ints(ctx, ctx.Input(0), "shape");
        var shape = dims.Select(d => d < 0 ? throw ctx.Error($"negative dim {d} in shape") : NdIndex.ToInt(ctx, d, "dim")).ToArray();
        var value = ctx.Node.GetTensor("value") ?? Tensor.FromArray(new[] { 0f });
        if (value.Length != 1)
        {
            throw ctx.Error($"value must hold one element, got {NdIndex.Str(value.Shape)}");
        }
        var map = new int[Tensor.CheckedLength(shape)];
        Array.Fill(map, ~0);
        return [NdIndex.Take(value, value.Reshape(1), map, shape)];
    }
}
