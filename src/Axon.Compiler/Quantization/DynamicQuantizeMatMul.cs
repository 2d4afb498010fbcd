namespace Axon.Compiler.Quantization;

/// <summary>
/// Dynamic INT8 quantization for MatMul-heavy models (see <see cref="MatMulWeightPass"/> for what is rewritten): products
/// become axon:DynamicQuantMatMul(A, W_q, w_scale, bias?, Z?). Weights are quantized here, once, per output column
/// (<see cref="WeightQuantizer"/>); activations are quantized per row when the model runs.
/// </summary>
public sealed class DynamicQuantizeMatMul : MatMulWeightPass
{
    public override string Name => "quantize-dynamic-matmul";

    protected override string OpType => "DynamicQuantMatMul";

    internal override string[] Encode(float[] w, int k, int n, string stem, Func<string, string> fresh, Dictionary<string, Tensor> inits)
    {
        var (q, scale) = WeightQuantizer.PerColumn(w, k, n, transposed: false);
        string qName = fresh(stem + "_int8"), sName = fresh(stem + "_scale");
        inits[qName] = Tensor.FromArray(q, k, n);
        inits[sName] = Tensor.FromArray(scale, n);
        return [qName, sName];
    }
}
