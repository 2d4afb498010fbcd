using Axon.Graph;
using Tensor = Axon.Tensor;

namespace Axon.Bench.Peers;

/// <summary>
/// Rewrites an FP32 model into the form ONNX Runtime's <c>quantize_dynamic</c> writes (QOperator format), so the same
/// file can be run by both engines: every MatMul with a constant 2-D FP32 weight becomes
/// DynamicQuantizeLinear(x) (one per input tensor, shared), MatMulInteger(x_q, W_q, x_zp, W_zp), Cast to float and
/// Mul by Mul(x_scale, W_scale). Weights are symmetric int8 (zero point 0), per tensor or per output column, with ORT's
/// ranges: [-127, 127] full range, or [-64, 64] with <c>reduce_range</c> (ORT's advice for AVX2 machines without VNNI).
/// </summary>
internal static class OrtDynamicQuantizer
{
    public static Model Quantize(Model fp32, bool perChannel, bool reduceRange)
    {
        var src = fp32.Graph;
        var g = src.Clone();
        g.Nodes.Clear();
        var inits = g.Initializers;
        var dql = new Dictionary<string, (string Q, string S, string Z)>(StringComparer.Ordinal);
        int qmax = reduceRange ? 64 : 127;
        int count = 0;
        foreach (var n in src.Nodes)
        {
            if (n.Domain.Length != 0 || n.OpType != "MatMul" || !src.Initializers.TryGetValue(n.Inputs[1], out var w)
                || w.DType != DType.Float32 || w.Rank != 2 || w.Shape[0] < 16)
            {
                g.Nodes.Add(n);
                continue;
            }
            string x = n.Inputs[0];
            if (!dql.TryGetValue(x, out var q))
            {
                q = (x + "_quantized", x + "_scale", x + "_zero_point");
                g.Nodes.Add(new Node("DynamicQuantizeLinear", [x], [q.Q, q.S, q.Z], x + "_QuantizeLinear"));
                dql[x] = q;
            }
            int k = w.Shape[0], cols = w.Shape[1];
            var wf = w.ReadOnlySpan<float>();
            var scales = new float[perChannel ? cols : 1];
            for (int j = 0; j < scales.Length; j++)
            {
                float max = 0;
                for (int p = 0; p < k; p++)
                {
                    for (int c = perChannel ? j : 0; c < (perChannel ? j + 1 : cols); c++)
                    {
                        max = MathF.Max(max, MathF.Abs(wf[p * cols + c]));
                    }
                }
                scales[j] = max > 0 ? max / qmax : 1f;
            }
            var wq = new sbyte[k * cols];
            for (int p = 0; p < k; p++)
            {
                for (int c = 0; c < cols; c++)
                {
                    float s = scales[perChannel ? c : 0];
                    wq[p * cols + c] = (sbyte)Math.Clamp(MathF.Round(wf[p * cols + c] / s), -qmax, qmax);
                }
            }
            string wn = n.Inputs[1];
            inits.Remove(wn);
            inits[wn + "_quantized"] = Tensor.FromArray(wq, k, cols);
            inits[wn + "_scale"] = perChannel ? Tensor.FromArray(scales, cols) : Tensor.FromArray(scales, Array.Empty<int>());
            inits[wn + "_zero_point"] = perChannel ? Tensor.FromArray(new sbyte[cols], cols) : Tensor.FromArray(new sbyte[1], Array.Empty<int>());
            string y = n.Outputs[0];
            g.Nodes.Add(new Node("MatMulInteger", [q.Q, wn + "_quantized", q.Z, wn + "_zero_point"], [y + "_output_quantized"], n.Name + "_quant"));
            g.Nodes.Add(new Node("Mul", [q.S, wn + "_scale"], [y + "_scales_mul"], n.Name + "_quant_scales_mul"));
            var cast = new Node("Cast", [y + "_output_quantized"], [y + "_output_quantized_cast"], n.Name + "_quant_output_cast");
            cast.SetAttr(Attr.Of("to", (long)DType.Float32));
            g.Nodes.Add(cast);
            g.Nodes.Add(new Node("Mul", [y + "_output_quantized_cast", y + "_scales_mul"], [y], n.Name + "_quant_scales_mul_out"));
            count++;
        }
        if (count == 0)
        {
            throw new InvalidOperationException("the model has no MatMul with a constant 2-D FP32 weight to quantize");
        }
        var m = new Model(g) { IrVersion = fp32.IrVersion };
        foreach (var kv in fp32.OpsetImports)
        {
            m.OpsetImports[kv.Key] = kv.Value;
        }
        // DynamicQuantizeLinear needs opset 11.
        m.OpsetImports[""] = Math.Max(11, m.OpsetImports.GetValueOrDefault("", 11));
        return m;
    }
}
