namespace Axon.Compiler.Passes;

/// <summary>
/// The passes run at each <c>-O</c> level - the one place that decides pass order. Comments mark where order matters.
/// </summary>
public static class Pipelines
{
    /// <summary>Cleanup to a fixed point: each pass can expose work for the others (folding makes Reshape shapes constant
    /// for no-op removal; CSE merges the duplicates folding leaves; everything leaves dead nodes).</summary>
    private static FixedPointGroup Cleanup(string name) => new(name,
    [
        new ConstantFolding(),
        new RemoveNoOps(),
        new CommonSubexpressionElimination(),
        new DeadCodeElimination(),
    ], MaxIterations: 10);

    /// <summary>The passes of one level. <paramref name="cpuLayout"/> false leaves out layout selection (a CPU-kernel
    /// decision): device projections want the framework's NCHW graph.</summary>
    public static IReadOnlyList<PassStep> Steps(int optLevel, bool cpuLayout = true)
    {
        var steps = new List<PassStep>();
        if (optLevel <= 0)
        {
            return steps;
        }
        // Types first: no-op removal needs them (Cast to the same type, Reshape/Expand that keep the shape).
        steps.Add(new InferShapes());
        steps.Add(Cleanup("cleanup"));
        if (optLevel == 1)
        {
            steps.AddRange(Quantization.QuantizedModelPasses.Steps(optLevel));
            return steps;
        }
        // BN folding first: it needs the bare Conv, before any epilogue turns it into FusedConv.
        steps.Add(new FoldConvBatchNorm());
        // Pattern fusions of decomposed subgraphs come before the epilogue fusions: attention must still see its Q/K/V
        // MatMul+Add projections (bias fusion would hide them), and GELU/SiLU must become single nodes before activation
        // fusion can pull them into a matrix product.
        steps.Add(new FuseLayerNorm());
        steps.Add(new FuseGelu());
        steps.Add(new FuseSilu());
        steps.Add(new FuseAttention());
        // The fused attention leaves the exporter's shape arithmetic dead.
        steps.Add(new DeadCodeElimination());
        // Epilogue order mirrors the fused op's semantics act(op + bias + Z): bias, then residual, then activation.
        steps.Add(new FuseBias());
        steps.Add(new FuseResidualAdd());
        steps.Add(new FuseActivation());
        steps.Add(new DeadCodeElimination());
        // Pre-quantized models (QDQ, QOperator, dynamic) onto the INT8 kernels: after the FP32 fusions, so GELU and the
        // like are single nodes the quantized products can absorb, and before -O3's elementwise chains, which would
        // swallow the bias/activation/residual nodes those products absorb.
        steps.AddRange(Quantization.QuantizedModelPasses.Steps(optLevel));
        // Layout last among the rewrites: it needs the convolutions' final epilogues (a region is Conv + fused ops,
        // pooling and the elementwise ops between them), and at -O3 it comes before chain fusion so that the
        // elementwise ops inside a region stay plain same-shape nodes the region can take in.
        if (cpuLayout)
        {
            steps.Add(new SelectConvLayout());
        }
        if (optLevel == 2)
        {
            return steps;
        }
        // -O3: what the epilogues did not absorb, chains of elementwise ops, runs as one pass over memory. Last, so a
        // Relu after a Conv stays an epilogue (cheaper still: no extra pass at all).
        steps.Add(new FuseElementwiseChains());
        return steps;
    }

    public static PassManager For(int optLevel) => new(Steps(optLevel));

    /// <summary>The level's passes without layout selection when <paramref name="cpuLayout"/> is false.</summary>
    public static PassManager For(int optLevel, bool cpuLayout) => new(Steps(optLevel, cpuLayout));

    // Precision passes (quantization, auto-cast) run last, on the fused graph.
    public static PassManager For(CompileOptions options) => new(Steps(options.OptLevel).Concat(Quantization.PrecisionPasses.Steps(options)));
}
