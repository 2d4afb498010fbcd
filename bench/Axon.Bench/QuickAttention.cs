using System.Diagnostics;
using Axon.Kernels.Attention;
using Axon.Kernels.Threading;

namespace Axon.Bench;

/// <summary>
/// <c>--attention [threads] [batch] [seq] [rounds]</c>: the attention core of one MiniLM layer (12 heads of 32, Q/K/V read
/// in place from a packed [B, S, 1152] projection, a [B, 1, 1, S] key mask), best-round median time and GFLOP/s
/// (QKᵀ and P·V). One thread is timed by its CPU time (steady on a loaded machine), more by wall time.
/// </summary>
internal static unsafe class QuickAttention
{
    public static void Run(int threads, int batch, int seq, int rounds)
    {
        const int heads = 12, d = 32, hd = heads * d;
        using var pool = new WorkerPool(threads);
        var qkv = Data.Random(batch * seq * 3 * hd, 1);
        var mask = new float[batch * seq];
        var o = new float[batch * seq * hd];
        var s = new AttentionShape(batch, heads, heads, seq, seq, d, d);
        double gflop = 4.0 * batch * heads * seq * seq * d / 1e9;
        int iters = Math.Max(5, (int)(0.3 / gflop));
        double best = double.MaxValue, bestTiled = double.MaxValue;
        fixed (float* px = qkv, pm = mask, po = o)
        {
            var q = AttentionOperand.TokenMajor(px, seq, d, 3 * hd);
            var k = AttentionOperand.TokenMajor(px + hd, seq, d, 3 * hd);
            var v = AttentionOperand.TokenMajor(px + 2 * hd, seq, d, 3 * hd);
            var y = AttentionOperand.TokenMajor(po, seq, d, hd);
            var m = new AttentionOperand(pm, seq, 0, 0);
            // Alternate the row-group path with the tiled one it replaced (side by side on a noisy machine).
            for (int r = 0; r < 2 * rounds; r++)
            {
                FusedAttention.DisableRowPath = r % 2 == 1;
                var t = new double[iters];
                for (int i = 0; i < iters; i++)
                {
                    double t0 = Now(threads);
                    FusedAttention.Run(s, q, k, v, y, 1f / MathF.Sqrt(d), causal: false, m, pool);
                    t[i] = Now(threads) - t0;
                }
                Array.Sort(t);
                if (r % 2 == 1)
                {
                    bestTiled = Math.Min(bestTiled, t[iters / 2]);
                }
                else
                {
                    best = Math.Min(best, t[iters / 2]);
                }
            }
            FusedAttention.DisableRowPath = false;
        }
        Console.WriteLine($"attention core B={batch} H={heads} S={seq} D={d}, {threads} thread(s): {best:F3} ms, {gflop / best * 1e3:F1} GFLOP/s (tiled path {bestTiled:F3} ms, {gflop / bestTiled * 1e3:F1})");
    }

    private static double Now(int threads) => threads == 1 ? ThreadClock.NowMs() : Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
}
