using Axon.Kernels.Attention;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Tests;

/// <summary>
/// <see cref="FusedAttention"/> over strided operands: Q, K and V read in place from one packed [B, S, 3·H·D] projection,
/// the output written heads-merged into [B, S, H·D], and a [B, 1, 1, S] key mask broadcast through zero strides.
/// </summary>
public sealed unsafe class StridedAttentionTests
{
    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
    }

    [Theory]
    [InlineData(1, 2, 17, 3, 1)]
    [InlineData(2, 3, 129, 8, 2)]
    [InlineData(3, 1, 1, 17, 2)]
    [InlineData(1, 4, 70, 32, 3)]
    public void PackedQkvWithKeyMaskMatchesNaive(int batch, int heads, int seq, int d, int threads)
    {
        int hd = heads * d, ld = 3 * hd;
        var qkv = Random(batch * seq * ld, 11);
        var mask = Random(batch * seq, 12);
        mask[0] = -1e4f; // key 0 of batch 0 masked out
        var o = new float[batch * seq * hd];
        float scale = 1f / MathF.Sqrt(d);
        using var pool = new WorkerPool(threads);
        fixed (float* px = qkv, pm = mask, po = o)
        {
            var s = new AttentionShape(batch, heads, heads, seq, seq, d, d);
            FusedAttention.Run(s, AttentionOperand.TokenMajor(px, seq, d, ld), AttentionOperand.TokenMajor(px + hd, seq, d, ld),
                AttentionOperand.TokenMajor(px + 2 * hd, seq, d, ld), AttentionOperand.TokenMajor(po, seq, d, hd), scale, causal: false,
                new AttentionOperand(pm, seq, 0, 0), pool);
        }
        for (int b = 0; b < batch; b++)
        {
            for (int h = 0; h < heads; h++)
            {
                for (int i = 0; i < seq; i++)
                {
                    var sc = new double[seq];
                    for (int j = 0; j < seq; j++)
                    {
                        double dot = 0;
                        for (int t = 0; t < d; t++)
                        {
                            dot += (double)qkv[(b * seq + i) * ld + h * d + t] * qkv[(b * seq + j) * ld + hd + h * d + t];
                        }
                        sc[j] = dot * scale + mask[b * seq + j];
                    }
                    double mx = sc.Max();
                    double sum = sc.Sum(z => Math.Exp(z - mx));
                    for (int t = 0; t < d; t++)
                    {
                        double acc = 0;
                        for (int j = 0; j < seq; j++)
                        {
                            acc += Math.Exp(sc[j] - mx) / sum * qkv[(b * seq + j) * ld + 2 * hd + h * d + t];
                        }
                        float got = o[(b * seq + i) * hd + h * d + t];
                        Assert.True(Math.Abs(acc - got) <= 1e-4 * (1 + Math.Abs(acc)), $"b{b} h{h} i{i} t{t}: {got} vs {acc}");
                    }
                }
            }
        }
    }

    [Fact]
    public void CausalRowsIgnoreLaterKeys()
    {
        // With causal masking, query 0 sees only key 0, so its output is exactly V's first row.
        const int seq = 9, d = 5;
        var q = Random(seq * d, 1);
        var k = Random(seq * d, 2);
        var v = Random(seq * d, 3);
        var o = new float[seq * d];
        fixed (float* pq = q, pk = k, pv = v, po = o)
        {
            FusedAttention.Run(new AttentionShape(1, 1, 1, seq, seq, d, d), pq, pk, pv, po, 0.5f, causal: true, pool: WorkerPool.Inline);
        }
        for (int t = 0; t < d; t++)
        {
            Assert.Equal(v[t], o[t], 5);
        }
    }
}
