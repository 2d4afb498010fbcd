using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>BatchNormalization: Y has X's type; the training-mode outputs (running or saved statistics) are [C].</summary>
[Schema("BatchNormalization")]
internal sealed class BatchNormalization : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["epsilon"] = AttrKind.Float, ["momentum"] = AttrKind.Float, ["training_mode"] = AttrKind.Int,
        ["spatial"] = AttrKind.Int, ["is_test"] = AttrKind.Int, ["consumed_inputs"] = AttrKind.Ints,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        var r = ctx.One(ctx.ElemType(0), x);
        Dim c = x.HasRank && x.Rank >= 2 ? x[1] : ctx.Shape(1) is { HasRank: true, Rank: 1 } s ? s[0] : Dim.Unknown;
        DType statType = ctx.ElemType(3) is DType.Undefined ? ctx.ElemType(0) : ctx.ElemType(3);
        for (int i = 1; i < r.Length; i++)
        {
            r[i] = TypeInfo.Tensor(statType, new SymShape([c]));
        }
        return r;
    }

    /// <summary>Inference folds to a scale and shift: 2 FLOPs per element.</summary>
    public OpCost Cost(CostContext ctx) => ctx.PerOutputElement(2);
}
