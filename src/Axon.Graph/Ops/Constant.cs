using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Constant: the tensor held in whichever value attribute is set; its value is known to inference.</summary>
[Schema("Constant")]
internal sealed class Constant : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["value"] = AttrKind.Tensor, ["value_float"] = AttrKind.Float, ["value_floats"] = AttrKind.Floats,
        ["value_int"] = AttrKind.Int, ["value_ints"] = AttrKind.Ints, ["value_string"] = AttrKind.String,
        ["value_strings"] = AttrKind.Strings, ["sparse_value"] = AttrKind.SparseTensor,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        if (Value(ctx.Node) is not { } t)
        {
            return ctx.Unknowns();
        }
        ctx.SetConst(0, t);
        return ctx.One(t.DType, t.SymShape);
    }

    internal static Tensor? Value(Node n)
    {
        if (n.GetTensor("value") is { } t)
        {
            return t;
        }
        if (n.GetTensor("sparse_value") is { } sp)
        {
            return sp;
        }
        var a = n.Attributes;
        if (a.TryGetValue("value_float", out var f))
        {
            return Tensor.Scalar(f.F);
        }
        if (a.TryGetValue("value_floats", out var fs))
        {
            return Tensor.FromArray(fs.Floats);
        }
        if (a.TryGetValue("value_int", out var i))
        {
            return Tensor.Scalar(i.I);
        }
        if (a.TryGetValue("value_ints", out var @is))
        {
            return Tensor.FromArray(@is.Ints);
        }
        if (a.TryGetValue("value_string", out var s))
        {
            return Tensor.FromStrings([s.StringValue], []);
        }
        if (a.TryGetValue("value_strings", out var ss))
        {
            return Tensor.FromStrings(n.GetStrings("value_strings")!, ss.Strings.Length);
        }
        return null;
    }

    public OpCost Cost(CostContext ctx) => new(SymExpr.Zero, SymExpr.Zero, SymExpr.Zero);
}
