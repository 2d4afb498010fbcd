using Axon.Kernels.Conv;
using Axon.Kernels.Gemm;

namespace Axon.Bench;

/// <summary>
/// Tuning aid: the NCHW16c micro-kernel alone on L1-resident data (one input block, one output block, 3×3 or 1×1
/// taps), per row width, in GFLOP/s of thread CPU time: the ceiling each tile shape can reach on this core.
/// </summary>
internal static unsafe class QuickNchwcTiles
{
    public static void Run()
    {
        foreach (int taps in new[] { 1, 3 })
        {
            foreach (int width in new[] { 1, 2, 3, 4, 5, 6, 7, 12, 14, 28, 56 })
            {
                int inW = width + taps - 1;
                var x = Data.Random(taps * inW * Nchwc.Block + 64, 1);
                var w = Data.Random(taps * taps * Nchwc.Block * Nchwc.Block, 2);
                var bias = new float[Nchwc.Block];
                var y = new float[width * Nchwc.Block];
                var a = new TileArgs
                {
                    CbCount = 1, IcCount = Nchwc.Block, KH = taps, KW = taps, WTapStride = Nchwc.Block * Nchwc.Block,
                    WBlockStride = taps * taps * Nchwc.Block * Nchwc.Block, CbStrideX = 0, RowStrideX = inW * Nchwc.Block,
                    KwStrideX = Nchwc.Block, PixStrideX = Nchwc.Block, KwOddX = Nchwc.Block, KwPairX = 2 * Nchwc.Block, Act = Activation.None,
                };
                double flop = 2.0 * width * Nchwc.Block * Nchwc.Block * taps * taps;
                int reps = (int)(2e8 / flop);
                double best = double.MaxValue;
                fixed (float* px = x, pw = w, pb = bias, py = y)
                {
                    for (int round = 0; round < 5; round++)
                    {
                        double s = ThreadClock.NowMs();
                        for (int i = 0; i < reps; i++)
                        {
                            NchwcConvTile.Row(width, px, pw, py, null, pb, a, i == 0 ? NchwcConvTile.First : 0, null, 0);
                        }
                        best = Math.Min(best, ThreadClock.NowMs() - s);
                    }
                }
                Console.WriteLine($"{taps}x{taps} row of {width,2}: {flop * reps / best / 1e6,6:F1} GFLOP/s");
            }
        }
        foreach (int side in new[] { 7, 14 })
        {
            foreach (bool gather in new[] { false, true })
            {
                Plane(side, gather);
            }
        }
    }

    /// <summary>A 3×3 layer's whole side×side plane (one input block, one output block): row tiles or gathered tiles.</summary>
    private static void Plane(int side, bool gather)
    {
        int inW = side + 2;
        var x = Data.Random(inW * inW * Nchwc.Block + 64, 1);
        var w = Data.Random(9 * Nchwc.Block * Nchwc.Block, 2);
        var bias = new float[Nchwc.Block];
        var y = new float[side * side * Nchwc.Block];
        var a = new TileArgs
        {
            CbCount = 1, IcCount = Nchwc.Block, KH = 3, KW = 3, WTapStride = Nchwc.Block * Nchwc.Block,
            WBlockStride = 9 * Nchwc.Block * Nchwc.Block, RowStrideX = inW * Nchwc.Block,
            KwStrideX = Nchwc.Block, PixStrideX = Nchwc.Block, KwOddX = Nchwc.Block, KwPairX = 2 * Nchwc.Block, Act = Activation.None,
        };
        double flop = 2.0 * side * side * Nchwc.Block * Nchwc.Block * 9;
        int reps = (int)(2e8 / flop);
        double best = double.MaxValue;
        fixed (float* px = x, pw = w, pb = bias, py = y)
        {
            for (int round = 0; round < 5; round++)
            {
                double s = ThreadClock.NowMs();
                for (int i = 0; i < reps; i++)
                {
                    if (gather)
                    {
                        NchwcConvTile.Gather(side * side, 0, side, px, inW * Nchwc.Block, Nchwc.Block, pw, py, null, pb, a, 0, null, 0);
                        continue;
                    }
                    for (int r = 0; r < side; r++)
                    {
                        NchwcConvTile.Row(side, px + r * inW * Nchwc.Block, pw, py + r * side * Nchwc.Block, null, pb, a, 0, null, 0);
                    }
                }
                best = Math.Min(best, ThreadClock.NowMs() - s);
            }
        }
        Console.WriteLine($"3x3 plane {side}x{side} {(gather ? "gathered" : "in rows ")}: {flop * reps / best / 1e6,6:F1} GFLOP/s");
    }
}
