using Axon.Compiler.Passes;

namespace Axon.Compiler.Quantization;

/// <summary>
/// The precision passes that run after the optimization pipeline, when the options ask for them: they see the fused
/// graph (FusedMatMul with bias, residual and activation), so each quantized product keeps its fused epilogue.
/// </summary>
public static class PrecisionPasses
{
    public static IEnumerable<PassStep> Steps(CompileOptions options)
    {
        if (options.Quantize == QuantizeMode.Dynamic)
        {
            yield return new DynamicQuantizeMatMul();
            // The FP32 weights the quantized nodes replaced are dead now.
            yield return new DeadCodeElimination();
        }
        else if (options.AutoCast != AutoCast.None)
        {
            // Activations stay FP32 (narrowing them on this CPU only adds conversions); "all" adds the embedding
            // tables to the matrix weights; see docs/precision.md.
            yield return new AutoCastMatMul();
            if (options.AutoCast == AutoCast.All)
            {
                yield return new AutoCastEmbeddings();
            }
            yield return new DeadCodeElimination();
        }
    }
}
