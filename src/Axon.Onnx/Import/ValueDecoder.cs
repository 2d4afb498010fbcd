using Axon.Graph;
using Axon.Onnx.Wire;

namespace Axon.Onnx.Import;

/// <summary>Decodes serialized test-data values: tensors, sequences and optionals.</summary>
internal static class ValueDecoder
{
    public static IValue? Decode(byte[] bytes, TypeInfo? type)
    {
        switch (type?.Kind)
        {
            case TypeKind.Sequence:
                return FromSequence(SequenceProto.Parser.ParseFrom(bytes));
            case TypeKind.Optional:
                return FromOptional(OptionalProto.Parser.ParseFrom(bytes));
            default:
                return TensorDecoder.Decode(TensorProto.Parser.ParseFrom(bytes), null, "tensor");
        }
    }

    private static TensorSequence FromSequence(SequenceProto sp)
    {
        var items = sp.TensorValues.Select(t => TensorDecoder.Decode(t, null, "sequence element")).ToList();
        var elem = items.Count > 0 ? items[0].DType : DType.Float32;
        return new TensorSequence(elem, items);
    }

    private static OptionalValue FromOptional(OptionalProto op) => op.ElemType switch
    {
        (int)OptionalProto.Types.DataType.Tensor => new OptionalValue(op.TensorValue is null ? null : TensorDecoder.Decode(op.TensorValue, null, "optional")),
        (int)OptionalProto.Types.DataType.Sequence => new OptionalValue(op.SequenceValue is null ? null : FromSequence(op.SequenceValue)),
        _ => new OptionalValue(null),
    };
}
