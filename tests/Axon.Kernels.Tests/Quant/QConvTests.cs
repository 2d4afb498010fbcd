using Axon.Kernels.Conv;
using Axon.Kernels.Quant;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Tests.Quant;

/// <summary>The INT8 convolution and the standalone quantizers against plain integer/float loops, at whatever tier runs.</summary>
public sealed unsafe class QConvTests
{
    private static long[] Reference(ConvGeometry g, int[] x, int xz, int[] w, int[] wz)
    {
        var y = new long[g.OutputElements];
        int oh = g.OutH, ow = g.OutW;
        for (int n = 0; n < g.N; n++)
        for (int k = 0; k < g.K; k++)
        for (int py = 0; py < oh; py++)
        for (int px = 0; px < ow; px++)
        {
            long s = 0;
            int gi = k / g.Kg;
            for (int c = 0; c < g.Cg; c++)
            for (int kh = 0; kh < g.KernelH; kh++)
            for (int kw = 0; kw < g.KernelW; kw++)
            {
                int ih = py * g.StrideH - g.PadTop + kh * g.DilationH, iw = px * g.StrideW - g.PadLeft + kw * g.DilationW;
                if ((uint)ih >= (uint)g.H || (uint)iw >= (uint)g.W)
                {
                    continue;
                }
                int xv = x[((n * g.C + gi * g.Cg + c) * g.H + ih) * g.W + iw] - xz;
                int wv = w[((k * g.Cg + c) * g.KernelH + kh) * g.KernelW + kw] - wz[wz.Length == 1 ? 0 : k];
                s += (long)xv * wv;
            }
            y[((n * g.K + k) * oh + py) * ow + px] = s;
        }
        return y;
    }

    public static TheoryData<int, int, int, int, int, int, int, int> Shapes => new()
    {
        // N, C, H/W, K, kernel, stride, pad, group
        { 1, 1, 1, 1, 1, 1, 0, 1 },
        { 1, 3, 17, 17, 3, 1, 1, 1 },
        { 2, 17, 5, 3, 1, 2, 0, 1 },
        { 1, 129, 3, 3, 3, 1, 1, 1 },
        { 1, 17, 9, 17, 3, 2, 1, 17 },
        { 1, 6, 7, 9, 3, 1, 2, 3 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Int32OutputIsExact(int n, int c, int hw, int k, int ks, int stride, int pad, int group)
    {
        var g = new ConvGeometry(n, c, hw, hw, k, ks, ks, stride, stride, pad, pad, pad, pad, 1, 1, group);
        var r = new Random(c * 7 + k);
        // Full-range activations and weights with the worst pairs (255 against -128) sprinkled in.
        var x = Enumerable.Range(0, (int)g.InputElements).Select(i => i % 5 == 0 ? 255 : r.Next(256)).ToArray();
        var w = Enumerable.Range(0, (int)g.WeightElements).Select(i => i % 3 == 0 ? -128 : r.Next(-128, 128)).ToArray();
        int xz = 117;
        var wz = new[] { 0 };
        var expected = Reference(g, x, xz, w, wz);
        using var packed = QConvWeights.Pack(g, w.Select(v => (byte)(sbyte)v).ToArray(), false, wz);
        var xb = x.Select(v => (byte)v).ToArray();
        var y = new int[expected.Length];
        fixed (byte* px = xb)
        fixed (int* py = y)
        {
            QConv.Run(px, false, xz, packed, py, new QGemmOutput { Kind = QOutputKind.Int32 }, WorkerPool.Inline);
        }
        Assert.Equal(expected, y.Select(v => (long)v).ToArray());
    }

    [Fact]
    public void RequantizedOutputRoundsHalfToEvenWithBiasAndClamp()
    {
        var g = new ConvGeometry(1, 3, 4, 4, 2, 1, 1);
        var x = Enumerable.Range(0, 48).Select(i => (byte)(i * 5)).ToArray();
        var w = new sbyte[] { 1, -1, 2, -2, 0, 1 };
        var bias = new[] { 3, -7 };
        var mult = new[] { 0.5f, 0.25f };
        using var packed = QConvWeights.Pack(g, w.Select(v => (byte)v).ToArray(), false, []);
        var y = new byte[32];
        fixed (byte* px = x, py = y)
        fixed (float* pm = mult)
        fixed (int* pb = bias)
        {
            var o = new QGemmOutput { Kind = QOutputKind.UInt8, Multiplier = pm, Bias = pb, OutZero = 10, Clamp = true, QMin = 12, QMax = 200 };
            QConv.Run(px, false, 0, packed, py, o, WorkerPool.Inline);
        }
        for (int k = 0; k < 2; k++)
        {
            for (int p = 0; p < 16; p++)
            {
                long s = bias[k];
                for (int c = 0; c < 3; c++)
                {
                    s += x[c * 16 + p] * w[k * 3 + c];
                }
                double q = Math.Round(s * (double)mult[k], MidpointRounding.ToEven) + 10;
                Assert.Equal((byte)Math.Clamp(q, 12, 200), y[k * 16 + p]);
            }
        }
    }

    [Theory]
    [InlineData(false, 129)]
    [InlineData(true, 17)]
    [InlineData(true, 3)]
    public void QuantizeAndDequantizeFollowTheFormula(bool signed, int n)
    {
        var r = new Random(n);
        var x = Enumerable.Range(0, n).Select(i => i % 7 == 0 ? 0.5f * 0.1f * (i % 2 == 0 ? 1 : -3) : (float)(r.NextDouble() * 80 - 40)).ToArray();
        x[0] = float.NaN;
        var q = new byte[n];
        var back = new float[n];
        int lo = signed ? -128 : 0, hi = signed ? 127 : 255, zero = signed ? -3 : 130;
        fixed (float* px = x, pb = back)
        fixed (byte* pq = q)
        {
            LinearQuant.Quantize(px, n, 0.1f, zero, signed, pq);
            LinearQuant.Dequantize(pq, n, 0.1f, zero, signed, pb);
        }
        for (int i = 0; i < n; i++)
        {
            float rr = MathF.Round(x[i] / 0.1f);
            int want = float.IsNaN(rr) ? 0 : Math.Clamp((int)Math.Clamp(rr, -1e9f, 1e9f) + zero, lo, hi);
            int got = signed ? (sbyte)q[i] : q[i];
            Assert.Equal(want, got);
            Assert.Equal((got - zero) * 0.1f, back[i]);
        }
    }
}
