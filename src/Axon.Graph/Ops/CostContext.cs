using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>What a schema's cost rule sees: the node, the opset, and the (inferred) types of its inputs and outputs.</summary>
public sealed class CostContext
{
    public CostContext(Node node, long opset, TypeInfo?[] inputs, TypeInfo?[] outputs)
    {
        Node = node;
        Opset = opset;
        Inputs = inputs;
        Outputs = outputs;
    }

    public Node Node { get; }
    public long Opset { get; }
    public TypeInfo?[] Inputs { get; }
    public TypeInfo?[] Outputs { get; }

    public TypeInfo? Input(int i) => i < Inputs.Length ? Inputs[i] : null;
    public TypeInfo? Output(int i) => i < Outputs.Length ? Outputs[i] : null;

    public SymShape InputShape(int i) => Input(i) is { Kind: TypeKind.Tensor } t ? t.Shape : SymShape.UnknownRank;
    public SymShape OutputShape(int i) => Output(i) is { Kind: TypeKind.Tensor } t ? t.Shape : SymShape.UnknownRank;

    /// <summary>Element count of a tensor type (unknown for other kinds).</summary>
    public static SymExpr Elements(TypeInfo? t) => t is { Kind: TypeKind.Tensor } ? SymExpr.Product(t.Shape) : SymExpr.Unknown;

    /// <summary>Bytes of a tensor type; strings count as 8 bytes per element (a reference) for lack of better.</summary>
    public static SymExpr Bytes(TypeInfo? t)
    {
        if (t is not { Kind: TypeKind.Tensor })
        {
            return SymExpr.Unknown;
        }
        int size = t.ElemType is DType.String or DType.Undefined ? 8 : t.ElemType.SizeOf();
        return Elements(t) * size;
    }

    public SymExpr InputElements(int i) => Elements(Input(i));
    public SymExpr OutputElements(int i) => Elements(Output(i));

    /// <summary>Bytes read by all present inputs.</summary>
    public SymExpr BytesRead => SymExpr.Sum(Inputs.Where(t => t is not null).Select(Bytes));

    /// <summary>Bytes written to all present outputs.</summary>
    public SymExpr BytesWritten => SymExpr.Sum(Outputs.Where(t => t is not null).Select(Bytes));

    /// <summary>A cost that reads every input and writes every output with the given FLOPs.</summary>
    public OpCost Memory(SymExpr flops) => new(flops, BytesRead, BytesWritten);

    /// <summary>A cost of <paramref name="perElement"/> FLOPs per element of output 0.</summary>
    public OpCost PerOutputElement(long perElement) => Memory(OutputElements(0) * perElement);
}
