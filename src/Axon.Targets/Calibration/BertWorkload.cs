using Axon.Targets.Lowering;

namespace Axon.Targets.Calibration;

/// <summary>
/// The work of a BERT-shaped encoder at one batch, exactly as <see cref="WorkloadLowering"/> lowers the compiler's
/// fused graph (embeddings gather + LayerNorm; per layer Q/K/V projections, Q·Kᵀ, softmax, ·V inside one fused
/// attention, the output projection with bias and residual in its epilogue, LayerNorm, the FFN with GELU and residual
/// in epilogues, LayerNorm). Built directly so the benchmark rows need no 100-million-parameter weight tensors;
/// a test checks it against the lowering of a real encoder (MiniLM).
/// </summary>
internal static class BertWorkload
{
    public static Workload Build(BenchmarkShape s, int batch)
    {
        long b = batch, t = batch * (long)s.Seq, h = s.Hidden, d = s.Hidden / s.Heads;
        var embed = new List<WorkItem>
        {
            new("embeddings/gather", "Gather", WorkKind.Move) { InputElements = 2 * t, OutputElements = 3 * t * h },
            new("embeddings/add", "Add", WorkKind.Vector) { VectorElements = t * h, VectorPasses = 2, VectorRows = t, InputElements = 3 * t * h, OutputElements = t * h },
            Norm("embeddings/layernorm", t, h),
        };
        WorkItem Dense(string name, long k, long n, bool residual, bool act) => new(name, "FusedMatMul", WorkKind.Matmul)
        {
            M = t, K = k, N = n, WeightElements = k * n + n, InputElements = t * k + (residual ? t * n : 0), OutputElements = t * n,
            VectorElements = t * n, ScalarPasses = 1, VectorPasses = residual ? 2 : 0, VectorRows = t,
        };
        long scores = b * s.Heads * s.Seq * (long)s.Seq;
        var layer = new List<WorkItem>
        {
            Dense("attention/q", h, h, false, false),
            Dense("attention/k", h, h, false, false),
            Dense("attention/v", h, h, false, false),
            new("attention/qk", "Attention.qk", WorkKind.Matmul)
            {
                Batches = b * s.Heads, M = s.Seq, K = d, N = s.Seq, InputElements = 2 * t * h, OutputElements = scores,
                VectorElements = scores, ScalarPasses = 1, VectorRows = b * s.Heads * s.Seq,
            },
            new("attention/softmax", "Attention.softmax", WorkKind.Vector)
            {
                VectorElements = scores, VectorPasses = 3, ScalarPasses = 1, VectorRows = b * s.Heads * s.Seq, InputElements = scores, OutputElements = scores,
            },
            new("attention/pv", "Attention.pv", WorkKind.Matmul)
            {
                Batches = b * s.Heads, M = s.Seq, K = s.Seq, N = d, InputElements = scores + t * h, OutputElements = t * h,
                VectorElements = t * h, ScalarPasses = 1, VectorRows = b * s.Heads * s.Seq,
            },
            Dense("attention/output", h, h, true, false),
            Norm("attention/layernorm", t, h),
            Dense("ffn/intermediate", h, s.Ffn, false, true),
            Dense("ffn/output", s.Ffn, h, true, false),
            Norm("ffn/layernorm", t, h),
        };
        var e = new Workload(embed, 0, 2 * t, t * h);
        var l = new Workload(layer, layer.Sum(i => i.WeightElements) + 4 * h, t * h, t * h);
        return Workload.Concat(e, l.Repeat(s.Layers));
    }

    private static WorkItem Norm(string name, long rows, long h) => new(name, "LayerNorm", WorkKind.Vector)
    {
        VectorElements = rows * h, VectorPasses = 2, ScalarPasses = 1, VectorRows = rows, InputElements = rows * h, OutputElements = rows * h,
        WeightElements = 2 * h,
    };
}
