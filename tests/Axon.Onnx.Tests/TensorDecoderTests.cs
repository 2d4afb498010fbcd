using Axon.Onnx.Import;
using Axon.Onnx.Wire;
using Google.Protobuf;

namespace Axon.Onnx.Tests;

public class TensorDecoderTests
{
    private static TensorProto Proto(DType t, params long[] dims)
    {
        var p = new TensorProto { Name = "T", DataType = (int)t };
        p.Dims.AddRange(dims);
        return p;
    }

    private static Tensor Decode(TensorProto p) => TensorDecoder.Decode(p, null, "tensor");

    [Fact]
    public void FloatFromTypedAndRawFieldsAgree()
    {
        var typed = Proto(DType.Float32, 2, 2);
        typed.FloatData.AddRange([1f, -2.5f, 0f, 3e10f]);
        var raw = Proto(DType.Float32, 2, 2);
        raw.RawData = ByteString.CopyFrom(new[] { 1f, -2.5f, 0f, 3e10f }.SelectMany(BitConverter.GetBytes).ToArray());
        var a = Decode(typed);
        var b = Decode(raw);
        Assert.Equal([2, 2], a.Shape);
        Assert.Equal(new[] { 1f, -2.5f, 0f, 3e10f }, a.ToArray<float>());
        Assert.Equal(a.ToArray<float>(), b.ToArray<float>());
    }

    [Fact]
    public void DoubleInt64AndUnsignedUseTheirOwnFields()
    {
        var d = Proto(DType.Float64, 2);
        d.DoubleData.AddRange([0.1, -1e300]);
        Assert.Equal(new[] { 0.1, -1e300 }, Decode(d).ToArray<double>());

        var l = Proto(DType.Int64, 2);
        l.Int64Data.AddRange([long.MinValue, 5]);
        Assert.Equal(new[] { long.MinValue, 5 }, Decode(l).ToArray<long>());

        var u32 = Proto(DType.UInt32, 2);
        u32.Uint64Data.AddRange([uint.MaxValue, 7]);
        Assert.Equal(new[] { uint.MaxValue, 7u }, Decode(u32).ToArray<uint>());

        var u64 = Proto(DType.UInt64, 1);
        u64.Uint64Data.Add(ulong.MaxValue);
        Assert.Equal(new[] { ulong.MaxValue }, Decode(u64).ToArray<ulong>());
    }

    [Theory]
    [InlineData(DType.Int8, new long[] { -128, 127, -1 })]
    [InlineData(DType.Int16, new long[] { -32768, 32767, 0 })]
    [InlineData(DType.Int32, new long[] { int.MinValue, int.MaxValue, 3 })]
    [InlineData(DType.UInt8, new long[] { 0, 255, 9 })]
    [InlineData(DType.UInt16, new long[] { 0, 65535, 9 })]
    [InlineData(DType.Bool, new long[] { 1, 0, 1 })]
    public void SmallIntegersComeFromInt32Data(DType t, long[] values)
    {
        var p = Proto(t, values.Length);
        p.Int32Data.AddRange(values.Select(v => (int)v));
        var x = Decode(p);
        Assert.Equal(t, x.DType);
        Assert.Equal(values, x.ToInt64s());
        // And the raw form encodes back to the same tensor.
        var again = Decode(TensorDecoder.Encode(x, "T"));
        Assert.Equal(values, again.ToInt64s());
    }

    [Fact]
    public void RawBoolBytesAreNormalized()
    {
        var p = Proto(DType.Bool, 3);
        p.RawData = ByteString.CopyFrom(0, 2, 255);
        Assert.Equal(new byte[] { 0, 1, 1 }, Decode(p).ToArray<byte>());
    }

    [Theory]
    [InlineData(DType.Float16, 0x3C00, 1.0)]
    [InlineData(DType.Float16, 0xC000, -2.0)]
    [InlineData(DType.BFloat16, 0x3F80, 1.0)]
    [InlineData(DType.BFloat16, 0xC040, -3.0)]
    [InlineData(DType.Float8E4M3FN, 0x38, 1.0)]
    [InlineData(DType.Float8E5M2, 0x3C, 1.0)]
    [InlineData(DType.Float8E4M3FNUZ, 0x40, 1.0)]
    [InlineData(DType.Float8E5M2FNUZ, 0x40, 1.0)]
    public void LowPrecisionFloatsAreBitPatternsInInt32Data(DType t, int bits, double value)
    {
        var p = Proto(t, 1);
        p.Int32Data.Add(bits);
        var x = Decode(p);
        Assert.Equal(value, x.ToDoubles()[0]);
        var raw = TensorDecoder.Encode(x, "T");
        Assert.Equal(t.SizeOf(), raw.RawData.Length);
        Assert.Equal(value, Decode(raw).ToDoubles()[0]);
    }

    [Fact]
    public void Int4PacksTwoPerByteLowNibbleFirst()
    {
        // Elements -1, 7, -8 pack as 0x7F, 0x08 (odd count: the last high nibble is padding).
        var raw = Proto(DType.Int4, 3);
        raw.RawData = ByteString.CopyFrom(0x7F, 0x08);
        var x = Decode(raw);
        Assert.Equal(new long[] { -1, 7, -8 }, x.ToInt64s());

        var typed = Proto(DType.Int4, 3);
        typed.Int32Data.AddRange([0x7F, 0x08]);
        Assert.Equal(new long[] { -1, 7, -8 }, Decode(typed).ToInt64s());

        var enc = TensorDecoder.Encode(x, "T");
        Assert.Equal(new byte[] { 0x7F, 0x08 }, enc.RawData.ToByteArray());
    }

    [Fact]
    public void UInt4AndFloat4UnpackUnsignedNibbles()
    {
        var u = Proto(DType.UInt4, 2, 2);
        u.RawData = ByteString.CopyFrom(0xF0, 0x21);
        Assert.Equal(new long[] { 0, 15, 1, 2 }, Decode(u).ToInt64s());
        Assert.Equal(new byte[] { 0xF0, 0x21 }, TensorDecoder.Encode(Decode(u), "T").RawData.ToByteArray());

        var f = Proto(DType.Float4E2M1, 2);
        f.RawData = ByteString.CopyFrom(0xA2); // 0x2 = 1.0, 0xA = -1.0
        Assert.Equal(new[] { 1.0, -1.0 }, Decode(f).ToDoubles());
    }

    [Fact]
    public void TwoBitTypesPackFourPerByteLowBitsFirst()
    {
        // Int2 elements 1, -2, -1, 0, 1 pack as 0b00_11_10_01 = 0x39, then 0x01.
        var raw = Proto(DType.Int2, 5);
        raw.RawData = ByteString.CopyFrom(0x39, 0x01);
        var x = Decode(raw);
        Assert.Equal(new long[] { 1, -2, -1, 0, 1 }, x.ToInt64s());
        Assert.Equal(new byte[] { 0x39, 0x01 }, TensorDecoder.Encode(x, "T").RawData.ToByteArray());

        var u = Proto(DType.UInt2, 4);
        u.Int32Data.Add(0xE4); // 0, 1, 2, 3
        Assert.Equal(new long[] { 0, 1, 2, 3 }, Decode(u).ToInt64s());

        var short1 = Proto(DType.UInt2, 5);
        short1.RawData = ByteString.CopyFrom(0xE4);
        Assert.ThrowsAny<AxonModelException>(() => Decode(short1));
    }

    [Fact]
    public void StringsComeFromStringData()
    {
        var p = Proto(DType.String, 3);
        p.StringData.Add(ByteString.CopyFromUtf8("a"));
        p.StringData.Add(ByteString.Empty);
        p.StringData.Add(ByteString.CopyFromUtf8("日本"));
        var x = Decode(p);
        Assert.Equal(new[] { "a", "", "日本" }, x.Strings.ToArray());
        var enc = TensorDecoder.Encode(x, "T");
        Assert.Equal(3, enc.StringData.Count);
        Assert.True(enc.RawData.IsEmpty);
    }

    [Fact]
    public void NoDimsIsAScalarAndZeroDimIsEmpty()
    {
        var s = Proto(DType.Int64);
        s.Int64Data.Add(42);
        var x = Decode(s);
        Assert.Empty(x.Shape);
        Assert.Equal(1, x.Length);
        Assert.Equal(42, x.ToInt64s()[0]);

        var e = Proto(DType.Float32, 0, 5);
        var y = Decode(e);
        Assert.Equal([0, 5], y.Shape);
        Assert.Equal(0, y.Length);

        var es = Proto(DType.String, 0);
        Assert.Equal(0, Decode(es).Length);
    }

    [Fact]
    public void EncodeThenDecodeIsIdentityForEveryDType()
    {
        foreach (var t in Enum.GetValues<DType>())
        {
            if (t is DType.Undefined or DType.Complex64 or DType.Complex128)
            {
                continue;
            }
            var x = t == DType.String ? Tensor.FromStrings(["p", "q", "r"], 3) : Tensor.FromInt64s(t, new long[] { 1, 0, 1 }, 3);
            var y = Decode(TensorDecoder.Encode(x, "T"));
            Assert.Equal(t, y.DType);
            Assert.Null(IrDiff.TensorDiff(t.ToString(), x, y));
        }
    }

    [Theory]
    [InlineData("raw")]
    [InlineData("typed")]
    [InlineData("strings")]
    [InlineData("int4-typed")]
    public void DeclaredSizeBeyondDataIsRejectedNamingTheTensor(string kind)
    {
        var p = kind switch
        {
            "strings" => Proto(DType.String, 4),
            "int4-typed" => Proto(DType.Int4, 5),
            _ => Proto(DType.Float32, 1000, 1000),
        };
        p.Name = "weights";
        switch (kind)
        {
            case "raw":
                p.RawData = ByteString.CopyFrom(new byte[16]);
                break;
            case "typed":
                p.FloatData.AddRange([1f, 2f]);
                break;
            case "strings":
                p.StringData.Add(ByteString.CopyFromUtf8("x"));
                break;
            case "int4-typed":
                p.Int32Data.Add(1);
                break;
        }
        var e = Assert.ThrowsAny<AxonModelException>(() => Decode(p));
        Assert.Contains("'weights'", e.Message);
    }

    [Theory]
    [InlineData(new long[] { -1 })]
    [InlineData(new long[] { 3_000_000_000 })]
    [InlineData(new long[] { 100_000, 100_000 })]
    [InlineData(new long[] { long.MaxValue, long.MaxValue, 2 })]
    public void BadOrOverflowingDimsAreRejected(long[] dims)
    {
        var p = Proto(DType.Float32, dims);
        p.Name = "big";
        var e = Assert.ThrowsAny<AxonModelException>(() => Decode(p));
        Assert.Contains("'big'", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    [InlineData(15)]
    [InlineData(99)]
    [InlineData(-3)]
    public void UnsupportedDataTypesAreRejected(int code)
    {
        var p = new TensorProto { Name = "c", DataType = code };
        var e = Assert.ThrowsAny<AxonModelException>(() => Decode(p));
        Assert.Contains("'c'", e.Message);
    }

    [Fact]
    public void ExternalTensorWithoutAFolderIsRejected()
    {
        var p = Proto(DType.Float32, 1);
        p.DataLocation = TensorProto.Types.DataLocation.External;
        p.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "w.bin" });
        Assert.ThrowsAny<AxonModelException>(() => Decode(p));
    }
}
