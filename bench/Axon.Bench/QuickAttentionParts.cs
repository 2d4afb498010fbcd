using Axon.Kernels.Attention;
using Axon.Kernels.Gemm;

namespace Axon.Bench;

/// <summary><c>--attention-parts [seq]</c>: one thread, one MiniLM layer's attention core split into its phases (all 12 heads per phase).</summary>
internal static unsafe class QuickAttentionParts
{
    public static void Run(int seq)
    {
        const int heads = 12, d = 32, hd = heads * d;
        var qkv = Data.Random(seq * 3 * hd, 1);
        var o = new float[seq * hd];
        var kT = new float[heads * PackedMatrix.PackedFloats(d, seq)];
        var vp = new float[heads * PackedMatrix.PackedFloats(seq, d)];
        var scores = new float[heads * seq * seq];
        var mask = new float[seq];
        float scale = 1f / MathF.Sqrt(d);
        long kts = PackedMatrix.PackedFloats(d, seq), vps = PackedMatrix.PackedFloats(seq, d);
        fixed (float* px = qkv, po = o, pk = kT, pv = vp, ps = scores, pm = mask)
        {
            float* x = px, y = po, k = pk, v = pv, s = ps, mk = pm;
            var phases = new (string Name, Action Run)[]
            {
                ("pack K^T", () => { for (int h = 0; h < heads; h++) KeyPacking.PackTransposed(x + hd + h * d, 3 * hd, d, seq, k + h * kts); }),
                ("pack V", () => { for (int h = 0; h < heads; h++) PackedMatrix.PackInto(x + 2 * hd + h * d, 3 * hd, false, seq, d, v + h * vps); }),
                ("Q K^T (scaled)", () => { for (int h = 0; h < heads; h++) Sgemm.MultiplyPacked(seq, seq, d, scale, x + h * d, 3 * hd, k + h * kts, s + h * seq * seq, seq); }),
                ("Q K^T (alpha 1)", () => { for (int h = 0; h < heads; h++) Sgemm.MultiplyPacked(seq, seq, d, 1f, x + h * d, 3 * hd, k + h * kts, s + h * seq * seq, seq); }),
                ("softmax", () => { for (int r = 0; r < heads * seq; r++) ScoreRow.MaskedSoftmax(s + r * seq, mk, seq, seq); }),
                ("P V", () => { for (int h = 0; h < heads; h++) Sgemm.MultiplyPacked(seq, d, seq, 1f, s + h * seq * seq, seq, v + h * vps, y + h * d, hd); }),
            };
            for (int round = 0; round < 3; round++)
            {
                foreach (var (name, run) in phases)
                {
                    double best = double.MaxValue;
                    for (int i = 0; i < 30; i++)
                    {
                        double t0 = ThreadClock.NowMs();
                        run();
                        best = Math.Min(best, ThreadClock.NowMs() - t0);
                    }
                    if (round == 2)
                    {
                        Console.WriteLine($"  {name,-16} {best * 1e3,8:F1} us");
                    }
                }
            }
        }
    }
}
