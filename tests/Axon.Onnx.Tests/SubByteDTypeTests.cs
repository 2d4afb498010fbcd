using Axon.Onnx.Import;
using Axon.Onnx.Wire;
using Google.Protobuf;

namespace Axon.Onnx.Tests;

/// <summary>The 2-bit integer types pack four per byte, first element in the lowest bits; float8e8m0 is one byte each.</summary>
public class SubByteDTypeTests
{
    private static TensorProto Proto(DType t, params long[] dims)
    {
        var p = new TensorProto { Name = "T", DataType = (int)t };
        p.Dims.AddRange(dims);
        return p;
    }

    [Fact]
    public void Int2PacksFourPerByteLowBitsFirst()
    {
        // Elements 1, -2, -1, 0, 1 pack as 0b00_11_10_01 = 0x39 and 0x01 (the last byte's upper bits are padding).
        var raw = Proto(DType.Int2, 5);
        raw.RawData = ByteString.CopyFrom(0x39, 0x01);
        var x = TensorDecoder.Decode(raw, null, "t");
        Assert.Equal(new long[] { 1, -2, -1, 0, 1 }, x.ToInt64s());
        Assert.Equal(new byte[] { 0x39, 0x01 }, TensorDecoder.Encode(x, "T").RawData.ToByteArray());

        var typed = Proto(DType.Int2, 5);
        typed.Int32Data.AddRange([0x39, 0x01]);
        Assert.Equal(new long[] { 1, -2, -1, 0, 1 }, TensorDecoder.Decode(typed, null, "t").ToInt64s());
    }

    [Fact]
    public void UInt2UnpacksUnsignedAndRejectsAWrongByteCount()
    {
        var u = Proto(DType.UInt2, 4);
        u.RawData = ByteString.CopyFrom(0xE4); // 0, 1, 2, 3
        Assert.Equal(new long[] { 0, 1, 2, 3 }, TensorDecoder.Decode(u, null, "t").ToInt64s());
        var bad = Proto(DType.UInt2, 5);
        bad.RawData = ByteString.CopyFrom(0xE4);
        Assert.Throws<AxonModelException>(() => TensorDecoder.Decode(bad, null, "t"));
    }

    [Fact]
    public void Float8E8M0DecodesPowersOfTwo()
    {
        var p = Proto(DType.Float8E8M0, 3);
        p.Int32Data.AddRange([127, 130, 255]);
        var x = TensorDecoder.Decode(p, null, "t");
        Assert.Equal(DType.Float8E8M0, x.DType);
        var d = x.ToDoubles();
        Assert.Equal(1.0, d[0]);
        Assert.Equal(8.0, d[1]);
        Assert.True(double.IsNaN(d[2]));
    }
}
