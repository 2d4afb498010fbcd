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

    private static double Time(Action a, int n)
    {
        double best = double.MaxValue;
        for (int i = 0; i < 50; i++)
        {
            double t0 = ThreadClock.NowMs();
            a();
            best = Math.Min(best, ThreadClock.NowMs() - t0);
        }
        return best * 1e6 / n;
    }
}
