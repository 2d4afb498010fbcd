using Axon.Kernels.Gemm;
using Axon.Kernels.Quant;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Tests.Quant;

/// <summary>INT8 GEMM against exact integer references on awkward shapes, every B encoding and output kind.</summary>
public sealed unsafe class QgemmTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 }, { 1, 3, 17 }, { 3, 17, 129 }, { 17, 129, 3 }, { 129, 1, 17 }, { 17, 33, 129 }, { 130, 260, 67 },
    };

    private static long[] Reference(int m, int n, int k, int[] a, int[] b, int[] za, int[] zb)
    {
        var c = new long[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                long s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += (long)(a[i * k + p] - za[i]) * (b[p * n + j] - zb[j]);
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    private static int[] Ints(int count, int lo, int hi, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => r.Next(lo, hi + 1)).ToArray();
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Int32OutputIsExactForSevenBitFullRangeAndUnsignedWeights(int m, int n, int k)
    {
        var a = Ints(m * k, 0, 255, 1);
        var za = Ints(m, 0, 255, 2);
        foreach (var (name, b, zb, unsignedB) in new[]
        {
            ("7-bit", Ints(k * n, -64, 63, 3), new int[n], false),
            ("full s8 with extremes", Ints(k * n, -128, 127, 4).Select((v, i) => i % 7 == 0 ? -128 : i % 5 == 0 ? 127 : v).ToArray(), Ints(n, -128, 127, 5), false),
            ("u8", Ints(k * n, 0, 255, 6), Ints(n, 0, 255, 7), true),
        })
        {
            using var packed = unsignedB
                ? QuantizedMatrix.PackUnsigned(b.Select(v => (byte)v).ToArray(), k, n, zeroPoints: zb)
                : QuantizedMatrix.Pack(b.Select(v => (sbyte)v).ToArray(), k, n, zeroPoints: zb);
            if (name == "7-bit")
            {
                Assert.False(packed.Split);
            }
            var expected = Reference(m, n, k, a, b, za, zb);
            var c = new int[m * n];
            fixed (byte* pa = a.Select(v => (byte)v).ToArray())
            fixed (int* pc = c, pz = za)
            {
                var o = new QGemmOutput { Kind = QOutputKind.Int32, RowZero = pz };
                Qgemm.Multiply(m, n, k, pa, k, false, packed, pc, n, o, WorkerPool.Inline);
            }
            Assert.Equal(expected, c.Select(v => (long)v).ToArray());
        }
    }

    [Fact]
    public void SaturationTrapIsAvoided()
    {
        // 255·127 + 255·127 = 64770 overflows int16: vpmaddubsw would saturate to 32767 without the split encoding.
        int m = 5, n = 16, k = 8;
        var a = Enumerable.Repeat(255, m * k).ToArray();
        var b = Enumerable.Repeat(127, k * n).ToArray();
        using var packed = QuantizedMatrix.Pack(b.Select(v => (sbyte)v).ToArray(), k, n);
        Assert.True(packed.Split);
        var c = new int[m * n];
        fixed (byte* pa = a.Select(v => (byte)v).ToArray())
        fixed (int* pc = c)
        {
            Qgemm.Multiply(m, n, k, pa, k, false, packed, pc, n, new QGemmOutput { Kind = QOutputKind.Int32 }, WorkerPool.Inline);
        }
        Assert.All(c, v => Assert.Equal(8 * 255 * 127, v));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SignedActivationsShiftExactly(int m, int n, int k)
    {
        var a = Ints(m * k, -128, 127, 11);
        var b = Ints(k * n, -60, 60, 12);
        using var packed = QuantizedMatrix.Pack(b.Select(v => (sbyte)v).ToArray(), k, n, transposed: false);
        var expected = Reference(m, n, k, a, b, Enumerable.Repeat(-3, m).ToArray(), new int[n]);
        var c = new int[m * n];
        fixed (sbyte* pa = a.Select(v => (sbyte)v).ToArray())
        fixed (int* pc = c)
        {
            var o = new QGemmOutput { Kind = QOutputKind.Int32, AZero = -3 };
            Qgemm.Multiply(m, n, k, (byte*)pa, k, true, packed, pc, n, o, WorkerPool.Inline);
        }
        Assert.Equal(expected, c.Select(v => (long)v).ToArray());
    }

    [Fact]
    public void TransposedPackingMatchesRowMajor()
    {
        int k = 19, n = 21;
        var b = Ints(k * n, -128, 127, 21);
        var bt = new sbyte[k * n];
        for (int p = 0; p < k; p++)
        {
            for (int j = 0; j < n; j++)
            {
                bt[j * k + p] = (sbyte)b[p * n + j];
            }
        }
        var a = Ints(3 * k, 0, 255, 22);
        var c1 = new int[3 * n];
        var c2 = new int[3 * n];
        using var p1 = QuantizedMatrix.Pack(b.Select(v => (sbyte)v).ToArray(), k, n);
        using var p2 = QuantizedMatrix.Pack(bt, k, n, transposed: true);
        fixed (byte* pa = a.Select(v => (byte)v).ToArray())
        fixed (int* q1 = c1, q2 = c2)
        {
            var o = new QGemmOutput { Kind = QOutputKind.Int32 };
            Qgemm.Multiply(3, n, k, pa, k, false, p1, q1, n, o, WorkerPool.Inline);
            Qgemm.Multiply(3, n, k, pa, k, false, p2, q2, n, o, WorkerPool.Inline);
        }
        Assert.Equal(c1, c2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ScalarMicroKernelMatchesVectorTier(bool split)
    {
        int quads = 9;
        var a = Ints(QMicroKernel.MR * 4 * quads, 0, 255, 31).Select(v => (byte)v).ToArray();
        var b = Ints(QMicroKernel.NR * 4 * quads * (split ? 2 : 1), split ? -64 : -64, split ? 63 : 63, 32).Select(v => (sbyte)v).ToArray();
        if (split)
        {
            // The low half of a split group holds 0/1 only.
            for (int q = 0; q < quads; q++)
            {
                for (int t = 0; t < 64; t++)
                {
                    b[q * 128 + 64 + t] = (sbyte)(b[q * 128 + 64 + t] & 1);
                }
            }
        }
        var v1 = new int[QMicroKernel.MR * QMicroKernel.NR];
        var v2 = new int[QMicroKernel.MR * QMicroKernel.NR];
        fixed (byte* pa = a)
        fixed (sbyte* pb = b)
        fixed (int* c1 = v1, c2 = v2)
        {
            QMicroKernel.Tile(quads, pa, pb, split, c1);
            QMicroKernel.KernelScalar(quads, pa, pb, split, c2);
        }
        Assert.Equal(v2, v1);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FloatOutputDequantizesWithBiasAndActivation(int m, int n, int k)
    {
        var a = Ints(m * k, 0, 255, 41);
        var b = Ints(k * n, -63, 63, 42);
        var za = Ints(m, 0, 255, 43);
        var rowScale = Enumerable.Range(0, m).Select(i => 0.01f + i * 0.001f).ToArray();
        var colScale = Enumerable.Range(0, n).Select(j => 0.02f + j * 0.0005f).ToArray();
        var bias = Enumerable.Range(0, n).Select(j => (j % 5 - 2) * 0.7f).ToArray();
        var exact = Reference(m, n, k, a, b, za, new int[n]);
        using var packed = QuantizedMatrix.Pack(b.Select(v => (sbyte)v).ToArray(), k, n);
        var y = new float[m * n];
        fixed (byte* pa = a.Select(v => (byte)v).ToArray())
        fixed (float* py = y, rs = rowScale, cs = colScale, pb = bias)
        fixed (int* pz = za)
        {
            var ep = new GemmEpilogue { BiasN = pb, Activation = Activation.Relu };
            Qgemm.Multiply(m, n, k, pa, k, false, packed, py, n, QGemmOutput.Dequantize(rs, pz, cs, ep), new WorkerPool(2));
        }
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float want = MathF.Max(0, exact[i * n + j] * (rowScale[i] * colScale[j]) + bias[j]);
                Assert.Equal(want, y[i * n + j]);
            }
        }
    }

    [Theory]
    [InlineData(Activation.Gelu, true, true)]
    [InlineData(Activation.GeluTanh, true, false)]
    [InlineData(Activation.Relu, false, true)]
    [InlineData(Activation.None, true, true)]
    [InlineData(Activation.Sigmoid, true, true)]
    public void InRegisterEpilogueEqualsTheRowEpilogue(Activation act, bool withBias, bool withResidual)
    {
        // 37 columns: two full 16-column tiles (the in-register path) and an edge tile (EpilogueOps), per row.
        int m = 9, n = 37, k = 50;
        var a = Ints(m * k, 0, 255, 71);
        var b = Ints(k * n, -63, 63, 72);
        var za = Ints(m, 0, 255, 73);
        var rowScale = Enumerable.Range(0, m).Select(i => 0.002f + i * 0.0003f).ToArray();
        var colScale = Enumerable.Range(0, n).Select(j => 0.003f + j * 0.0001f).ToArray();
        var bias = Enumerable.Range(0, n).Select(j => (j % 7 - 3) * 0.4f).ToArray();
        var residual = Enumerable.Range(0, m * n).Select(i => (i % 11 - 5) * 0.3f).ToArray();
        var exact = Reference(m, n, k, a, b, za, new int[n]);
        using var packed = QuantizedMatrix.Pack(b.Select(v => (sbyte)v).ToArray(), k, n);
        var y = new float[m * n];
        var want = new float[m * n];
        fixed (byte* pa = a.Select(v => (byte)v).ToArray())
        fixed (float* py = y, pw = want, rs = rowScale, cs = colScale, pb = bias, pr = residual)
        fixed (int* pz = za)
        {
            var ep = new GemmEpilogue
            {
                BiasN = withBias ? pb : null, Residual = withResidual ? pr : null, ResidualStride = n, Activation = act,
            };
            Qgemm.Multiply(m, n, k, pa, k, false, packed, py, n, QGemmOutput.Dequantize(rs, pz, cs, ep), WorkerPool.Inline);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    pw[i * n + j] = exact[i * n + j] * (rowScale[i] * colScale[j]);
                }
                for (int j0 = 0; j0 < n; j0 += 16)
                {
                    EpilogueOps.ApplyRow(pw + i * n + j0, i, j0, Math.Min(16, n - j0), ep);
                }
            }
        }
        Assert.Equal(want, y);
        Assert.Contains(y, v => v != 0);
    }

    [Fact]
    public void RowMinMaxFindsExtremesAndNaN()
    {
        var r = new Random(81);
        foreach (int k in new[] { 1, 15, 16, 17, 33, 100 })
        {
            var x = Enumerable.Range(0, k).Select(_ => (float)(r.NextDouble() * 10 - 3)).ToArray();
            fixed (float* px = x)
            {
                Assert.Equal((x.Min(), x.Max()), DynamicQuant.MinMax(px, k));
                foreach (int at in new[] { 0, k / 2, k - 1 })
                {
                    float keep = x[at];
                    x[at] = float.NaN;
                    var (lo, hi) = DynamicQuant.MinMax(px, k);
                    Assert.True(float.IsNaN(lo) && float.IsNaN(hi), $"k={k} NaN at {at}");
                    x[at] = keep;
                }
            }
        }
        var row = Enumerable.Range(0, 40).Select(i => i * 0.1f).ToArray();
        row[20] = float.NaN;
        var q = new byte[40];
        float scale;
        int zero;
        fixed (float* px = row)
        fixed (byte* pq = q)
        {
            DynamicQuant.QuantizeRows(px, 1, 40, 40, pq, 40, &scale, &zero);
        }
        Assert.Equal((1f, 0), (scale, zero));
    }

    [Fact]
    public void RequantizesLikeTheReferenceRule()
    {
        int m = 3, n = 17, k = 29;
        var a = Ints(m * k, 0, 255, 51);
        var b = Ints(k * n, -128, 127, 52);
        var exact = Reference(m, n, k, a, b, Enumerable.Repeat(100, m).ToArray(), new int[n]);
        using var packed = QuantizedMatrix.Pack(b.Select(v => (sbyte)v).ToArray(), k, n);
        var mult = Enumerable.Range(0, n).Select(j => 0.0004f + j * 1e-5f).ToArray();
        var y = new byte[m * n];
        fixed (byte* pa = a.Select(v => (byte)v).ToArray(), py = y)
        fixed (float* pm = mult)
        {
            var o = new QGemmOutput { Kind = QOutputKind.UInt8, AZero = 100, Multiplier = pm, OutZero = 128 };
            Qgemm.Multiply(m, n, k, pa, k, false, packed, py, n, o, WorkerPool.Inline);
        }
        for (int i = 0; i < m * n; i++)
        {
            double q = Math.Round(exact[i] * (double)mult[i % n], MidpointRounding.ToEven) + 128;
            Assert.Equal((byte)Math.Clamp(q, 0, 255), y[i]);
        }
    }

    [Fact]
    public void DynamicRowQuantizationVectorAndScalarAgree()
    {
        var r = new Random(61);
        int m = 3, k = 77;
        var x = Enumerable.Range(0, m * k).Select(_ => (float)(r.NextDouble() * 6 - 2)).ToArray();
        x[5] = 0.5f * (x[5] > 0 ? 1 : -1);
        var q = new byte[m * k];
        var s = new float[m];
        var z = new int[m];
        fixed (float* px = x, ps = s)
        fixed (byte* pq = q)
        fixed (int* pz = z)
        {
            DynamicQuant.QuantizeRows(px, m, k, k, pq, k, ps, pz);
        }
        for (int i = 0; i < m; i++)
        {
            var row = x.AsSpan(i * k, k);
            var (scale, zero) = DynamicQuant.RowParams(row.ToArray().Min(), row.ToArray().Max());
            Assert.Equal(scale, s[i]);
            Assert.Equal(zero, z[i]);
            for (int j = 0; j < k; j++)
            {
                Assert.Equal(DynamicQuant.Scalar(row[j], 1f / scale, zero), q[i * k + j]);
                Assert.True(Math.Abs((q[i * k + j] - zero) * scale - row[j]) <= scale / 2 + 1e-6, "dequantized within half a step");
            }
        }
    }

    [Fact]
    public void QuantizeRowMatchesTheScalarRuleOnEdgeValues()
    {
        // Halfway ties (round half to even), NaN, infinities, values past int32 and past the clamp, on both sides of a
        // non-zero zero point: every tier's row body (AVX2, portable, scalar tail) gives the scalar rule's bytes.
        var r = new Random(71);
        int k = 203;
        var x = Enumerable.Range(0, k).Select(_ => (float)(r.NextDouble() * 300 - 150)).ToArray();
        float[] edges = [0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 127.5f, -128.5f, float.NaN, float.PositiveInfinity,
            float.NegativeInfinity, 3e9f, -3e9f, 1e30f, -1e30f, 0f, -0f, 255.5f, -255.5f, 130.49999f];
        for (int i = 0; i < edges.Length; i++)
        {
            x[i * 7 % k] = edges[i];
        }
        foreach (var (inv, zero) in new[] { (1f, 0), (1f, 128), (0.75f, 37), (3f, 255), (1e-3f, 200) })
        {
            var fast = new byte[k];
            var portable = new byte[k];
            fixed (float* px = x)
            fixed (byte* pf = fast, pp = portable)
            {
                DynamicQuant.QuantizeRow(px, k, inv, zero, pf);
                DynamicQuant.QuantizeRowPortable(px, k, inv, zero, pp);
            }
            for (int j = 0; j < k; j++)
            {
                byte want = DynamicQuant.Scalar(x[j], inv, zero);
                Assert.True(want == fast[j], $"x={x[j]} inv={inv} zero={zero}: QuantizeRow {fast[j]}, scalar {want}");
                Assert.True(want == portable[j], $"x={x[j]} inv={inv} zero={zero}: portable {portable[j]}, scalar {want}");
            }
        }
    }

    [Fact]
    public void PooledRowQuantizationMatchesSerial()
    {
        var r = new Random(72);
        int m = 101, k = 70;
        var x = Enumerable.Range(0, m * k).Select(_ => (float)(r.NextDouble() * 8 - 3)).ToArray();
        var q1 = new byte[m * k];
        var q2 = new byte[m * k];
        var s1 = new float[m];
        var s2 = new float[m];
        var z1 = new int[m];
        var z2 = new int[m];
        using var pool = new WorkerPool(3);
        fixed (float* px = x, ps1 = s1, ps2 = s2)
        fixed (byte* pq1 = q1, pq2 = q2)
        fixed (int* pz1 = z1, pz2 = z2)
        {
            DynamicQuant.QuantizeRows(px, m, k, k, pq1, k, ps1, pz1);
            DynamicQuant.QuantizeRows(px, m, k, k, pq2, k, ps2, pz2, pool);
        }
        Assert.Equal(q1, q2);
        Assert.Equal(s1, s2);
        Assert.Equal(z1, z2);
        Assert.Contains(q1, v => v is not 0);
    }

    [Fact]
    public void MismatchedShapesAreRejected()
    {
        using var packed = QuantizedMatrix.Pack(new sbyte[12], 3, 4);
        Assert.Throws<ArgumentException>(() => Qgemm.Multiply(1, 4, 5, null, 5, false, packed, null, 4, default));
        Assert.Throws<ArgumentException>(() => QuantizedMatrix.Pack(new sbyte[3], 3, 4));
    }
}
