using static Axon.Graph.Tests.Ops.ShapeOpRunner;

namespace Axon.Graph.Tests.Ops;

public class PadTests
{
    private static Tensor Pad(string mode, params long[] pads) =>
        RunAt(21, "Pad", [Iota(4), I64(pads)], Attr.Of("mode", mode));

    [Fact]
    public void ConstantUsesValueInput() =>
        AssertTensor(Run("Pad", [Iota(4), I64(2, 1), F32([9f])]), [7], [9, 9, 0, 1, 2, 3, 9]);

    [Fact]
    public void ReflectMirrorsWithoutEdge() => AssertTensor(Pad("reflect", 2, 2), [8], [2, 1, 0, 1, 2, 3, 2, 1]);

    [Fact]
    public void EdgeRepeatsBorder() => AssertTensor(Pad("edge", 2, 2), [8], [0, 0, 0, 1, 2, 3, 3, 3]);

    [Fact]
    public void WrapRepeatsPeriodically() => AssertTensor(Pad("wrap", 2, 2), [8], [2, 3, 0, 1, 2, 3, 0, 1]);

    [Fact]
    public void NegativePadsCrop() => AssertTensor(Pad("constant", -1, 2), [5], [1, 2, 3, 0, 0]);

    [Fact]
    public void Opset2TakesPadsAndValueAttributes() =>
        AssertTensor(RunAt(2, "Pad", [Iota(4)], Attr.Of("pads", new long[] { 1, 1 }), Attr.Of("value", 5f)), [6], [5, 0, 1, 2, 3, 5]);

    [Fact]
    public void AxesInputLimitsPads() =>
        // [[0,1],[2,3]] padded by one column in front.
        AssertTensor(RunAt(18, "Pad", [Iota(2, 2), I64(1, 0), null, I64(-1)]), [2, 3], [0, 0, 1, 0, 2, 3]);

    [Fact]
    public void PadsStrings()
    {
        var r = Run("Pad", [Tensor.FromStrings(["a", "b"], 2), I64(1, 0), Tensor.FromStrings(["z"])]);
        Assert.Equal(new[] { "z", "a", "b" }, r.Strings.ToArray());
    }

    [Fact]
    public void CenterCropPadCropsLeftOfCentreAndPadsExtraOnTheRight()
    {
        AssertTensor(Run("CenterCropPad", [Iota(5), I64(3)]), [3], [1, 2, 3]);
        AssertTensor(Run("CenterCropPad", [F32([1, 2], 2), I64(5)]), [5], [0, 1, 2, 0, 0]);
    }
}
