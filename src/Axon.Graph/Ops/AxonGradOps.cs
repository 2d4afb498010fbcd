namespace Axon.Graph.Ops;

/// <summary>
/// Type rules of the gradient ops that autograd emits (domain "axon"). Each output has the type of one of the inputs
/// (a gradient has the shape of the value it is the gradient of), so one table says which input each output copies:
/// ReluGrad(dY, X) -> dX; GeluGrad(dY, X) -> dX; ReduceSumTo(dY, Like) -> sum of dY down to Like's shape;
/// SoftmaxCrossEntropyGrad(dLoss, Scores, Labels, Weights?) -> dScores; ConvGradInput(dY, W, X) -> dX;
/// ConvGradWeight(X, dY, W) -> dW; MaxPoolGrad(dY, X) -> dX; AveragePoolGrad(dY, X) -> dX;
/// BatchNormGrad(dY, X, Scale) -> dX, dScale, dBias; LayerNormGrad(dY, X, Scale) -> dX, dScale, dBias;
/// GatherGrad(dY, Indices, Data) -> dData. ConvGradBias(dY) -> [dY.shape[1]].
/// </summary>
[Schema("ReluGrad", Domain = "axon")]
[Schema("GeluGrad", Domain = "axon")]
[Schema("ReduceSumTo", Domain = "axon")]
[Schema("SoftmaxCrossEntropyGrad", Domain = "axon")]
[Schema("ConvGradInput", Domain = "axon")]
[Schema("ConvGradWeight", Domain = "axon")]
[Schema("ConvGradBias", Domain = "axon")]
[Schema("MaxPoolGrad", Domain = "axon")]
[Schema("AveragePoolGrad", Domain = "axon")]
[Schema("BatchNormGrad", Domain = "axon")]
[Schema("LayerNormGrad", Domain = "axon")]
[Schema("GatherGrad", Domain = "axon")]
internal sealed class AxonGradOp : IOpSchema
{
    private static readonly Dictionary<string, int[]> TypeFrom = new(StringComparer.Ordinal)
    {
        ["ReluGrad"] = [1], ["GeluGrad"] = [1], ["ReduceSumTo"] = [1], ["SoftmaxCrossEntropyGrad"] = [1],
        ["ConvGradInput"] = [2], ["ConvGradWeight"] = [2], ["MaxPoolGrad"] = [1], ["AveragePoolGrad"] = [1],
        ["BatchNormGrad"] = [1, 2, 2], ["LayerNormGrad"] = [1, 2, 2], ["GatherGrad"] = [2],
    };

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        if (ctx.Node.OpType == "ConvGradBias")
        {
            var s = ctx.Shape(0);
            return s.HasRank && s.Rank >= 2 ? ctx.One(ctx.ElemType(0), [s[1]]) : ctx.One(ctx.ElemType(0), SymShape.UnknownRank);
        }
        var from = TypeFrom[ctx.Node.OpType];
        var r = new TypeInfo[ctx.OutputCount];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = i < from.Length && ctx.Input(from[i]) is { Kind: TypeKind.Tensor } t ? t : TypeInfo.Unknown;
        }
        return r;
    }
}
