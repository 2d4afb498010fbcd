namespace Axon.Core.Tests;

public class TensorTests
{
    [Fact]
    public void CreateIsZeroFilledAndCopiesTheShape()
    {
        int[] shape = [2, 3];
        var t = Tensor.Create(DType.Float32, shape);
        shape[0] = 99;
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal(6, t.Length);
        Assert.Equal(24, t.ByteLength);
        Assert.All(t.ToArray<float>(), v => Assert.Equal(0f, v));
        Assert.Equal("f32[2,3]", t.ToString());
    }

    [Fact]
    public void CreateRejectsBadShapes()
    {
        Assert.Equal("AXON011", Assert.Throws<AxonException>(() => Tensor.Create(DType.Float32, 2, -1)).Code);
        Assert.Equal("AXON011", Assert.Throws<AxonException>(() => Tensor.Create(DType.Float32, 65536, 65536)).Code);
        Assert.Throws<AxonException>(() => Tensor.Create(DType.Undefined, 1));
        Assert.Equal("AXON013", Assert.Throws<AxonException>(() => Tensor.FromArray(new[] { 1f, 2f, 3f }, 2, 2)).Code);
    }

    [Fact]
    public void ReshapeIsAViewOverTheSameStorage()
    {
        var t = Tensor.FromArray(new[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var v = t.Reshape(3, 2);
        v.Span<int>()[5] = 60;
        Assert.Equal(60, t.Span<int>()[5]);
        Assert.Same(t.Buffer, v.Buffer);
        Assert.Equal([3, 2], v.Shape);
        var e = Assert.Throws<AxonException>(() => t.Reshape(4, 2));
        Assert.Equal("AXON014", e.Code);
        Assert.Contains("[2,3]", e.Message);
        Assert.Contains("[4,2]", e.Message);
    }

    [Fact]
    public void SliceOuterIsAViewOfRows()
    {
        var t = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (double)i).ToArray(), 4, 3);
        var rows = t.SliceOuter(1, 2);
        Assert.Equal([2, 3], rows.Shape);
        Assert.Equal([3.0, 4, 5, 6, 7, 8], rows.ToArray<double>());
        rows.Span<double>()[0] = -1;
        Assert.Equal(-1, t.Span<double>()[3]);
        Assert.Equal(0, t.SliceOuter(4, 0).Length);
        Assert.Throws<AxonException>(() => t.SliceOuter(3, 2));
        Assert.Throws<AxonException>(() => t.SliceOuter(-1, 1));
        Assert.Throws<AxonException>(() => Tensor.Scalar(1f).SliceOuter(0, 1));
    }

    [Fact]
    public void StringTensorsViewAndClone()
    {
        var s = Tensor.FromStrings(["a", "b", "c", "d"], 2, 2);
        Assert.Equal(["c", "d"], s.SliceOuter(1, 1).Strings.ToArray());
        var r = s.Reshape(4);
        r.Strings[0] = "z";
        Assert.Equal("z", s.Strings[0]);
        var c = s.Clone();
        c.Strings[1] = "y";
        Assert.Equal("b", s.Strings[1]);
        Assert.Throws<AxonException>(() => s.Bytes.Length);
        Assert.Equal(["", ""], Tensor.Create(DType.String, 2).Strings.ToArray());
    }

    [Fact]
    public void CloneOwnsItsStorage()
    {
        var t = Tensor.FromArray(new long[] { 1, 2, 3 });
        var view = t.SliceOuter(1, 2);
        var c = view.Clone();
        c.Span<long>()[0] = 100;
        Assert.Equal([2L, 3L], view.ToArray<long>());
        Assert.Equal([100L, 3L], c.ToArray<long>());
        Assert.NotSame(t.Buffer, c.Buffer);
    }

    [Fact]
    public void SpanRequiresTheElementSize()
    {
        var t = Tensor.Create(DType.Float32, 2);
        Assert.Throws<AxonException>(() => t.Span<double>().Length);
        Assert.Equal(2, t.Span<int>().Length); // same size reinterprets, as documented
    }

    public static TheoryData<DType> AllNumeric() =>
    [
        DType.Float32, DType.Float64, DType.Float16, DType.BFloat16, DType.Int8, DType.Int16, DType.Int32, DType.Int64,
        DType.UInt8, DType.UInt16, DType.UInt32, DType.UInt64, DType.Bool, DType.Int4, DType.UInt4,
        DType.Float8E4M3FN, DType.Float8E4M3FNUZ, DType.Float8E5M2, DType.Float8E5M2FNUZ, DType.Float4E2M1,
    ];

    [Theory]
    [MemberData(nameof(AllNumeric))]
    public void DoublesRoundTripForEveryDType(DType dtype)
    {
        // Values every dtype represents exactly (bool keeps only zero/non-zero).
        double[] values = [0, 1, 2, 3, 0, 1];
        var t = Tensor.FromDoubles(dtype, values, 3, 2);
        Assert.Equal(dtype, t.DType);
        Assert.Equal([3, 2], t.Shape);
        double[] expected = dtype == DType.Bool ? [0, 1, 1, 1, 0, 1] : values;
        Assert.Equal(expected, t.ToDoubles());
        Assert.Equal(expected.Select(v => (long)v).ToArray(), t.ToInt64s());
        Assert.Equal(expected[2], t.GetDouble(2));
    }

    [Fact]
    public void FromDoublesRoundsFloatsAndTruncatesIntegers()
    {
        Assert.Equal([2, -2], Tensor.FromDoubles(DType.Int32, [2.7, -2.7], 2).ToArray<int>());
        Assert.Equal([0L], Tensor.FromDoubles(DType.Int64, [double.NaN], 1).ToArray<long>());
        Assert.Equal((float)0.1, Tensor.FromDoubles(DType.Float32, [0.1], 1).ToArray<float>()[0]);
        Assert.Equal((Half)0.1, Tensor.FromDoubles(DType.Float16, [0.1], 1).ToArray<Half>()[0]);
        Assert.Equal((ushort)0x3F80, Tensor.FromDoubles(DType.BFloat16, [1.0 + 1.0 / 256], 1).ToArray<BFloat16>()[0].Bits);
        Assert.Equal([448.0], Tensor.FromDoubles(DType.Float8E4M3FN, [1000], 1).ToDoubles());
        // 4-bit integers keep the low four bits, as ONNX Cast does: 9 = 0b1001 -> -7, -20 = ...1100 -> -4.
        Assert.Equal([-7.0, -4.0], Tensor.FromDoubles(DType.Int4, [9, -20], 2).ToDoubles());
        Assert.Equal([9.0, 12.0], Tensor.FromDoubles(DType.UInt4, [25, -20], 2).ToDoubles());
    }

    [Fact]
    public void FromInt64sWrapsLikeACast()
    {
        Assert.Equal([(sbyte)44, (sbyte)-1], Tensor.FromInt64s(DType.Int8, [300, 255], 2).ToArray<sbyte>());
        Assert.Equal([ulong.MaxValue], Tensor.FromInt64s(DType.UInt64, [-1], 1).ToArray<ulong>());
        Assert.Equal([-1L], Tensor.FromArray(new[] { ulong.MaxValue }).ToInt64s());
        Assert.Equal([3.0], Tensor.FromInt64s(DType.Float64, [3], 1).ToArray<double>());
    }

    [Fact]
    public void ScalarsHaveRankZeroAndOneElement()
    {
        var s = Tensor.Scalar(2.5f);
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.Length);
        Assert.Equal(2.5, s.GetDouble(0));
        Assert.Equal([1], s.Reshape(1).Shape);
    }

    [Fact]
    public void StridesAreRowMajor()
    {
        Assert.Equal([12, 4, 1], Tensor.StridesOf([2, 3, 4]));
        Assert.Empty(Tensor.StridesOf([]));
    }
}
