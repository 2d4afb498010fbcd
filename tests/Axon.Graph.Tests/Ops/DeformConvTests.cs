using static Axon.Graph.Tests.Ops.NnOpRunner;

namespace Axon.Graph.Tests.Ops;

public class DeformConvTests
{
    [Fact]
    public void ZeroOffsetsEqualConvAndHalfOffsetsInterpolate()
    {
        var x = F([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 1, 3, 3);
        var w = F([1, 0, 0, 0], 1, 1, 2, 2);
        var zero = Tensor.Create(DType.Float32, 1, 8, 2, 2);
        // Only the top-left tap has weight: output = x at each window's origin.
        Near([1, 2, 4, 5], Run("DeformConv", [x, w, zero], opset: 19)[0]);
        var off = new float[8 * 4];
        for (int p = 0; p < 4; p++)
        {
            off[1 * 4 + p] = 0.5f; // tap 0, w offset +0.5
        }
        // Sampling halfway between columns: (1+2)/2, (2+3)/2, (4+5)/2, (5+6)/2.
        Near([1.5, 2.5, 4.5, 5.5], Run("DeformConv", [x, w, F(off, 1, 8, 2, 2)], opset: 19)[0]);
    }

    [Fact]
    public void MaskScalesSamplesAndBiasAdds()
    {
        var x = F([1, 2, 3, 4], 1, 1, 2, 2);
        var w = F([1], 1, 1, 1, 1);
        var off = Tensor.Create(DType.Float32, 1, 2, 2, 2);
        var mask = F([0, 1, 0.5f, 2], 1, 1, 2, 2);
        Near([10, 12, 11.5, 18], Run("DeformConv", [x, w, off, F([10], 1), mask], opset: 19)[0]);
    }
}
