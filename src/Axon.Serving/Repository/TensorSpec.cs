using Axon.Graph;
using Axon.Serving.Protocol;

namespace Axon.Serving.Repository;

/// <summary>A model input or output as the protocol describes it: name, dtype and dims (-1 = any size).</summary>
internal sealed record TensorSpec(string Name, DType DType, long[] Shape)
{
    public string Datatype => Datatypes.Name(DType);

    /// <summary>From a graph value; unknown rank gives an empty shape list, symbolic or unknown dims give -1.</summary>
    public static TensorSpec From(ValueInfo v)
    {
        var t = v.Type;
        long[] dims = t.Kind == TypeKind.Tensor && t.Shape.HasRank ? t.Shape.Dims.Select(d => d.IsKnown ? d.Value : -1L).ToArray() : [];
        return new TensorSpec(v.Name, t.Kind == TypeKind.Tensor ? t.ElemType : DType.Undefined, dims);
    }

    public bool RankKnown => Shape.Length > 0 || DType != DType.Undefined;

    public override string ToString() => $"{Name} {Datatype}[{string.Join(",", Shape)}]";
}
