namespace Axon.Graph.Reference.Ops;

/// <summary>A constant from exactly one of value, value_float(s), value_int(s), value_string(s) (sparse_value is densified on import).</summary>
[Op("Constant")]
internal sealed class Constant : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var attrs = ctx.Node.Attributes;
        if (attrs.Count != 1)
        {
            throw ctx.Error($"needs exactly one value attribute, got {(attrs.Count == 0 ? "none" : string.Join(", ", attrs.Keys))}");
        }
        var a = attrs.Values.First();
        return a.Name switch
        {
            "value" or "sparse_value" when a.T is not null => [a.T],
            "value_float" => [Tensor.Scalar(a.F)],
            "value_floats" => [Tensor.FromArray(a.Floats)],
            "value_int" => [Tensor.Scalar(a.I)],
            "value_ints" => [Tensor.FromArray(a.Ints)],
            "value_string" => [Tensor.FromStrings([a.StringValue])],
            "value_strings" => [Tensor.FromStrings(ctx.Node.GetStrings("value_strings")!, a.Strings.Length)],
            "sparse_value" => throw new AxonUnsupportedException($"{ctx.Node}: sparse_value constants are not supported"),
            _ => throw ctx.Error($"unknown value attribute '{a.Name}'"),
        };
    }
}
