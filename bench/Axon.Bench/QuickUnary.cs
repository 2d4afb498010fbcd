using System.Runtime.Intrinsics;
using Axon.Kernels.Elementwise;

namespace Axon.Bench;

/// <summary><c>--unary</c>: ns per element of the transcendental unary ops over 196,608 floats (one MiniLM FFN activation).</summary>
internal static class QuickUnary
{
    public static void Run()
    {
        var x = Data.Random(128 * 1536, 5);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = x[i] * 8 - 4;
        }
        var y = new float[x.Length];
        for (int round = 0; round < 3; round++)
        {
            Console.WriteLine($"gelu     {Time(() => Unary.Apply(default(GeluOp), x, y), x.Length):F3} ns/element");
            Console.WriteLine($"gelutanh {Time(() => Unary.Apply(default(GeluTanhOp), x, y), x.Length):F3} ns/element");
            Console.WriteLine($"sigmoid  {Time(() => Unary.Apply(default(SigmoidOp), x, y), x.Length):F3} ns/element");
            Console.WriteLine($"exp      {Time(() => Unary.Apply(default(ExpOp), x, y), x.Length):F3} ns/element");
            Console.WriteLine($"relu     {Time(() => Unary.Apply(default(ReluOp), x, y), x.Length):F3} ns/element");
        }
    }

    /// <summary>
    /// <c>--unary exp [N]</c>: the Exp operator's kernel against the BCL's <c>Vector256.Exp</c> (its vector path before
    /// Axon used its own exp) over N floats in [-10, 10) (default 2^20), in one process, alternating 7 rounds after a
    /// three-second warm-up; prints ns/element and
    /// GB/s (read + write) of each round's best run by thread CPU time, and the best-round ratio.
    /// </summary>
    public static void RunExp(int n)
    {
        var (bestBcl, bestAxon) = Alternate<BclExpOp, ExpOp>(n, 11, (round, bcl, axon) =>
            Console.WriteLine($"round {round}: bcl Vector256.Exp {bcl:F3} ns/element ({8 / bcl:F1} GB/s)   axon ExpOp {axon:F3} ns/element ({8 / axon:F1} GB/s)"));
        Console.WriteLine($"exp over {n} floats, best round: bcl {bestBcl:F3} ns/element, axon {bestAxon:F3} ns/element, speed-up {bestBcl / bestAxon:F2}x");
    }

    /// <summary>
    /// N floats in [-10, 10) through two unary ops, alternating 7 rounds after a three-second warm-up of both (the JIT
    /// tiers the loops up, tier 0 -> OSR -> tier 1, over the first calls, and tier-0 vector code is ten times slower,
    /// which at small N is most of a short run); each round's best run by thread CPU time, in ns/element.
    /// </summary>
    private static (double BestOld, double BestNew) Alternate<TOld, TNew>(int n, int seed, Action<int, double, double>? eachRound = null)
        where TOld : struct, IUnaryOp where TNew : struct, IUnaryOp
    {
        var r = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = (float)(r.NextDouble() * 20 - 10);
        }
        var y = new float[n];
        var warm = System.Diagnostics.Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 3)
        {
            Unary.Apply(default(TOld), x, y);
            Unary.Apply(default(TNew), x, y);
        }
        int reps = Math.Max(20, (1 << 24) / n);
        double bestOld = double.MaxValue, bestNew = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            double old = Time(() => Unary.Apply(default(TOld), x, y), n, reps);
            double now = Time(() => Unary.Apply(default(TNew), x, y), n, reps);
            bestOld = Math.Min(bestOld, old);
            bestNew = Math.Min(bestNew, now);
            eachRound?.Invoke(round, old, now);
        }
        return (bestOld, bestNew);
    }

    /// <summary>
    /// <c>--unary exp-ulp</c>: every float in [-104, 89] (2.24e9 of them, ~2-3 minutes on one core) through
    /// <see cref="FastExp.ExpWithSubnormals"/> against the correctly rounded float of Math.Exp: worst ulp distance
    /// (subnormals included) and worst relative error where the result is normal. ExpOpTests asserts these bounds on a
    /// sample; this is where they were measured.
    /// </summary>
    public static void RunExpUlp()
    {
        long worstUlp = 0;
        double worstRel = 0;
        float atUlp = 0, atRel = 0;
        var buf = new float[8];
        long count = 0;
        for (long o = Ord(-104f); o <= Ord(89f); o += 8)
        {
            for (int i = 0; i < 8; i++)
            {
                long k = Math.Min(o + i, Ord(89f));
                buf[i] = k < 0 ? BitConverter.Int32BitsToSingle(unchecked((int)(0x80000000u | (uint)-k))) : BitConverter.Int32BitsToSingle((int)k);
            }
            var e = FastExp.ExpWithSubnormals(Vector256.Create(buf));
            for (int i = 0; i < 8; i++)
            {
                double exact = Math.Exp(buf[i]);
                float want = (float)exact;
                long d = Math.Abs(Ord(e[i]) - Ord(want));
                if (d > worstUlp)
                {
                    worstUlp = d;
                    atUlp = buf[i];
                }
                if (float.IsNormal(want) && !float.IsInfinity(want) && Math.Abs(e[i] - exact) / exact > worstRel)
                {
                    worstRel = Math.Abs(e[i] - exact) / exact;
                    atRel = buf[i];
                }
            }
            count += 8;
        }
        Console.WriteLine($"{count} floats in [-104, 89]: worst {worstUlp} ulp (at {atUlp:R}), worst relative error {worstRel:E4} where normal (at {atRel:R})");
    }

    /// <summary>Float ordinal: adjacent floats differ by one, subnormals included.</summary>
    private static long Ord(float f)
    {
        int b = BitConverter.SingleToInt32Bits(f);
        return b < 0 ? -(long)(b & 0x7fffffff) : b;
    }

    /// <summary>
    /// <c>--unary softplus [N]</c>: the fused-chain Softplus against its previous form (BCL exp and log, no log1p
    /// correction) over N floats in [-10, 10), alternating 7 rounds after a three-second warm-up, thread CPU time.
    /// </summary>
    public static void RunSoftplus(int n)
    {
        var (bestOld, bestNew) = Alternate<BclSoftplusOp, ElementwiseChain.SoftplusOp>(n, 12);
        Console.WriteLine($"softplus over {n} floats, best round: before (BCL exp+log) {bestOld:F3} ns/element, now {bestNew:F3} ns/element, speed-up {bestOld / bestNew:F2}x");
    }

    private readonly struct BclSoftplusOp : IUnaryOp
    {
        public float Invoke(float x) => MathF.Max(x, 0) + MathF.Log(1 + MathF.Exp(-MathF.Abs(x)));
        public Vector256<float> Invoke(Vector256<float> x) =>
            Vector256.Max(x, Vector256<float>.Zero) + Vector256.Log(Vector256<float>.One + Vector256.Exp(-Vector256.Abs(x)));
    }

    /// <summary>The Exp operator's vector path as it was: the BCL exp, which widens to double.</summary>
    private readonly struct BclExpOp : IUnaryOp
    {
        public float Invoke(float x) => MathF.Exp(x);
        public Vector256<float> Invoke(Vector256<float> x) => Vector256.Exp(x);
    }

    private static double Time(Action a, int n, int reps = 50)
    {
        double best = double.MaxValue;
        for (int i = 0; i < reps; i++)
        {
            double t0 = ThreadClock.NowMs();
            a();
            best = Math.Min(best, ThreadClock.NowMs() - t0);
        }
        return best * 1e6 / n;
    }
}
