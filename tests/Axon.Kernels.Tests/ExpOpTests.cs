using System.Runtime.Intrinsics;
using Axon.Kernels.Elementwise;

namespace Axon.Kernels.Tests;

/// <summary>
/// The ONNX Exp operator's kernel (<see cref="ExpOp"/>: <see cref="FastExp.ExpWithSubnormals"/> in vectors, MathF.Exp
/// in the scalar tail and on the scalar tier) against the correctly rounded float of double-precision Math.Exp.
/// Measured over every float in [-104, 89]: at most 1 ulp, and at most 1.2e-7 relative where the result is normal;
/// the asserts sit at those bounds, so a wrong coefficient, a lost reduction bit or a flushed subnormal fails them.
/// </summary>
public sealed class ExpOpTests
{
    private const long MaxUlp = 1;
    private const double MaxRelNormal = 1.25e-7;

    /// <summary>Float ordinal: adjacent floats differ by 1, -0 and +0 coincide, subnormals included.</summary>
    private static long Ord(float f)
    {
        int b = BitConverter.SingleToInt32Bits(f);
        return b < 0 ? -(long)(b & 0x7fffffff) : b;
    }

    private static float FromOrd(long o) =>
        o < 0 ? BitConverter.Int32BitsToSingle(unchecked((int)(0x80000000u | (uint)-o))) : BitConverter.Int32BitsToSingle((int)o);

    /// <summary>A strided pass over every binade of [-104, 89] plus every float near the places where exp goes wrong.</summary>
    private static float[] Sweep()
    {
        var xs = new List<float>();
        for (long o = Ord(-104f); o <= Ord(89f); o += 4099)
        {
            xs.Add(FromOrd(o));
        }
        // Dense windows: result rounding to 0 / 2^-149, the subnormal/normal edge, 1 and the overflow threshold.
        foreach (float c in new[] { -103.97208f, -87.33655f, 0f, 88.72284f })
        {
            for (long o = Ord(c) - 3000; o <= Ord(c) + 3000; o++)
            {
                xs.Add(FromOrd(o));
            }
        }
        return xs.ToArray();
    }

    private static void AssertClose(float x, float got, string where)
    {
        float want = (float)Math.Exp(x);
        long ulp = Math.Abs(Ord(got) - Ord(want));
        Assert.True(ulp <= MaxUlp, $"{where}: exp({x:R}) = {got:R}, correctly rounded {want:R} ({ulp} ulp)");
        if (float.IsNormal(want) && !float.IsInfinity(want))
        {
            double rel = Math.Abs(got - Math.Exp(x)) / Math.Exp(x);
            Assert.True(rel <= MaxRelNormal, $"{where}: exp({x:R}) = {got:R}, relative error {rel:E3}");
        }
    }

    [Fact]
    public void VectorExpIsWithinOneUlpIncludingSubnormalsAndOverflow()
    {
        var xs = Sweep();
        long worst = 0;
        for (int i = 0; i + 8 <= xs.Length; i += 8)
        {
            var e = FastExp.ExpWithSubnormals(Vector256.Create(xs, i));
            for (int j = 0; j < 8; j++)
            {
                AssertClose(xs[i + j], e[j], "vector");
                worst = Math.Max(worst, Math.Abs(Ord(e[j]) - Ord((float)Math.Exp(xs[i + j]))));
            }
        }
        // Guard the guard: the sweep must actually hit results that are neither exact nor trivially 0/∞.
        Assert.Equal(MaxUlp, worst);
    }

    [Fact]
    public void VectorExpSpecialValues()
    {
        var e = FastExp.ExpWithSubnormals(Vector256.Create(float.NegativeInfinity, -1000f, -103.98f, -100f, 88.73f, float.PositiveInfinity, float.NaN, 0f));
        Assert.Equal(0f, e[0]);
        Assert.Equal(0f, e[1]);
        Assert.Equal(0f, e[2]);
        Assert.True(e[3] > 0 && !float.IsNormal(e[3]), $"exp(-100) = {e[3]:R} must be a nonzero subnormal");
        Assert.True(Math.Abs(Ord(e[3]) - Ord((float)Math.Exp(-100))) <= MaxUlp);
        Assert.Equal(float.PositiveInfinity, e[4]);
        Assert.Equal(float.PositiveInfinity, e[5]);
        Assert.True(float.IsNaN(e[6]));
        Assert.Equal(1f, e[7]);
        // The largest float whose exp is finite stays finite.
        var top = FastExp.ExpWithSubnormals(Vector256.Create(88.72283f));
        Assert.Equal((float)Math.Exp(88.72283f), top[0]);
    }

    public static TheoryData<int> Lengths() => new() { 1, 3, 7, 8, 17, 129, 1000 };

    /// <summary>
    /// Through the operator's loop (vectors, overlapped last vector, scalar tail, in place): awkward lengths, with the
    /// special values placed everywhere in the row so they hit every path.
    /// </summary>
    [Theory]
    [MemberData(nameof(Lengths))]
    public void ExpOpMatchesMathExpAtAwkwardLengths(int n)
    {
        float[] specials = [float.NaN, float.NegativeInfinity, float.PositiveInfinity, -95.5f, -103.9f, -104.5f, 88.7f, 88.8f, -87.4f, 0f, -0f];
        var r = new Random(n);
        for (int shift = 0; shift < specials.Length; shift++)
        {
            var x = new float[n];
            for (int i = 0; i < n; i++)
            {
                x[i] = (i + shift) % 5 == 0 ? specials[(i + shift) % specials.Length] : (float)(r.NextDouble() * 200 - 105);
            }
            var y = new float[n];
            Unary.Apply(default(ExpOp), x, y);
            var inPlace = (float[])x.Clone();
            Unary.Apply(default(ExpOp), inPlace, inPlace);
            for (int i = 0; i < n; i++)
            {
                foreach (var (got, path) in new[] { (y[i], "out of place"), (inPlace[i], "in place") })
                {
                    if (float.IsNaN(x[i]))
                    {
                        Assert.True(float.IsNaN(got), $"{path} n={n}: exp(NaN) = {got}");
                        continue;
                    }
                    AssertClose(x[i], got, $"{path} n={n} i={i}");
                }
            }
        }
    }
}
