using Axon.Compiler.Passes;

namespace Axon.Compiler.Quantization;

/// <summary>
/// The passes that put models quantized by other tools (or by <c>axon quantize --emit-onnx</c>) on the INT8 kernels, in
/// the order they must run; <see cref="Pipelines"/> adds them at -O1 and above. They change nothing in an FP32 model.
/// QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger and the Q/DQ left standing need no pass: they have kernels.
/// </summary>
public static class QuantizedModelPasses
{
    public static IEnumerable<PassStep> Steps(int optLevel)
    {
        // Static QDQ first: each claims its QuantizeLinear and the DQs in front of the product.
        yield return new FuseQdqConv();
        yield return new FuseQdqMatMul();
        // ORT's dynamic form (DynamicQuantizeLinear + MatMulInteger + scale Mul).
        yield return new FuseDynamicMatMulInteger();
        // Axon's per-row form in standard ops (ReduceMin/Max row parameters + MatMulInteger + zero-point correction).
        yield return new FusePerRowMatMulInteger();
        if (optLevel >= 2)
        {
            // Again, now that Q/K/V may be INT8 products: their attention becomes Concat + axon:AttentionCore.
            yield return new FuseAttention();
        }
        yield return new FoldQdqPairs();
        // The DQs, shared DynamicQuantizeLinears and row quantizations and scale products the fusions replaced are dead now.
        yield return new DeadCodeElimination();
        // Cleanup kept DequantizeLinear of constant weights unfolded for the fusions above; the ones no fusion took
        // (weights of FP32 ops) become FP32 constants now rather than run every time.
        yield return new ConstantFolding { FoldDequantize = true };
    }
}
