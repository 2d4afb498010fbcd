using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>What <see cref="OnnxDynamicQuantizer"/> writes.</summary>
public sealed record OnnxDynamicOptions
{
    /// <summary>One weight scale per output column instead of one per matrix.</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>7-bit weights in [-64, 64] (ONNX Runtime's <c>reduce_range</c>; every pair is safe for AVX2's <c>vpmaddubsw</c>) instead of [-127, 127].</summary>
    public bool ReduceRange { get; init; } = true;

    /// <summary>MatMul node names or output names to keep in FP32.</summary>
    public IReadOnlyCollection<string> Exclude { get; init; } = [];

    /// <summary>Products with fewer rows of weight (K) than this stay FP32.</summary>
    public int MinK { get; init; } = 16;

    /// <summary>
    /// Activations quantized per row, each with its own scale and zero point (Axon's own dynamic quantization, more
    /// accurate than one range per tensor), written in standard ONNX operators (<see cref="OnnxPerRowForm"/>) instead of
    /// DynamicQuantizeLinear; with <see cref="ReduceRange"/> the weights are Axon's 7-bit [-63, 63] per column.
    /// </summary>
    public bool PerRow { get; init; }
}

/// <summary>
/// Rewrites an FP32 ONNX model into the standard form of dynamic quantization that ONNX Runtime's
/// <c>quantize_dynamic</c> writes (QOperator format), so one file runs in both engines: every MatMul with a constant 2-D
/// FP32 weight (not excluded) becomes DynamicQuantizeLinear(x) (one per input tensor, shared by its readers),
/// MatMulInteger(x_q, W_q, x_zp, W_zp), Cast to float and Mul by Mul(x_scale, W_scale). Activations are quantized over the
/// whole tensor (all ONNX can express); weights symmetric int8 with zero point 0. Axon's compiler fuses the pattern back
/// into its INT8 GEMM (<see cref="FuseDynamicMatMulInteger"/>). With <see cref="OnnxDynamicOptions.PerRow"/> the
/// activations are quantized per row instead, in standard operators (<see cref="OnnxPerRowForm"/>), fused back by
/// <see cref="FusePerRowMatMulInteger"/>.
/// </summary>
public static class OnnxDynamicQuantizer
{
    /// <summary>The MatMul nodes the rewrite would quantize with no exclusions, in graph order, by the name <see cref="OnnxDynamicOptions.Exclude"/> takes (node name, or output name for an unnamed node).</summary>
    public static IReadOnlyList<string> Candidates(Model fp32, int minK = 16) =>
        fp32.Graph.Nodes.Where(n => Eligible(fp32.Graph, n, minK)).Select(n => n.Name.Length > 0 ? n.Name : n.Outputs[0]).ToList();

    /// <summary>The quantized model; the input is not changed.</summary>
    public static Model Quantize(Model fp32, OnnxDynamicOptions options)
    {
        var src = fp32.Graph;
        var g = src.Clone();
        g.Nodes.Clear();
        var inits = g.Initializers;
        var exclude = new HashSet<string>(options.Exclude, StringComparer.Ordinal);
        var dql = new Dictionary<string, (string Q, string S, string Z)>(StringComparer.Ordinal);
        int qmax = options.ReduceRange ? 64 : 127;
        long opset = Math.Max(11, fp32.OpsetImports.GetValueOrDefault("", 11));
        var perRow = options.PerRow ? new OnnxPerRowForm(g, src, opset) : null;
        foreach (var n in src.Nodes)
        {
            if (!Eligible(src, n, options.MinK) || n.Name.Length > 0 && exclude.Contains(n.Name) || n.Outputs.Any(exclude.Contains))
            {
                g.Nodes.Add(n);
                continue;
            }
            var w = src.Initializers[n.Inputs[1]];
            string x = n.Inputs[0];
            if (perRow is not null)
            {
                var (pq, ps) = options.ReduceRange && options.PerChannel
                    ? WeightQuantizer.PerColumn(w.ReadOnlySpan<float>(), w.Shape[0], w.Shape[1], transposed: false)
                    : QuantizeWeight(w.ReadOnlySpan<float>(), w.Shape[0], w.Shape[1], options.PerChannel, options.ReduceRange ? WeightQuantizer.QMax : 127);
                inits.Remove(n.Inputs[1]);
                perRow.Product(n, n.Inputs[1], pq, ps, w.Shape[0], w.Shape[1], options.PerChannel);
                continue;
            }
            if (!dql.TryGetValue(x, out var q))
            {
                q = (x + "_quantized", x + "_scale", x + "_zero_point");
                g.Nodes.Add(new Node("DynamicQuantizeLinear", [x], [q.Q, q.S, q.Z], x + "_QuantizeLinear"));
                dql[x] = q;
            }
            var (wq, scales) = QuantizeWeight(w.ReadOnlySpan<float>(), w.Shape[0], w.Shape[1], options.PerChannel, qmax);
            int k = w.Shape[0], cols = w.Shape[1];
            string wn = n.Inputs[1];
            // A weight shared by two MatMuls is quantized once.
            inits.Remove(wn);
            inits[wn + "_quantized"] = Tensor.FromArray(wq, k, cols);
            inits[wn + "_scale"] = options.PerChannel ? Tensor.FromArray(scales, cols) : Tensor.FromArray(scales, Array.Empty<int>());
            inits[wn + "_zero_point"] = options.PerChannel ? Tensor.FromArray(new sbyte[cols], cols) : Tensor.FromArray(new sbyte[1], Array.Empty<int>());
            string y = n.Outputs[0];
            g.Nodes.Add(new Node("MatMulInteger", [q.Q, wn + "_quantized", q.Z, wn + "_zero_point"], [y + "_output_quantized"], n.Name + "_quant"));
            g.Nodes.Add(new Node("Mul", [q.S, wn + "_scale"], [y + "_scales_mul"], n.Name + "_quant_scales_mul"));
            var cast = new Node("Cast", [y + "_output_quantized"], [y + "_output_quantized_cast"], n.Name + "_quant_output_cast");
            cast.SetAttr(Attr.Of("to", (long)DType.Float32));
            g.Nodes.Add(cast);
            g.Nodes.Add(new Node("Mul", [y + "_output_quantized_cast", y + "_scales_mul"], [y], n.Name + "_quant_scales_mul_out"));
        }
        // Weights still read by an excluded MatMul stay as FP32 initializers too.
        foreach (var n in g.Nodes)
        {
            foreach (var i in n.Inputs)
            {
                if (i.Length > 0 && !inits.ContainsKey(i) && src.Initializers.TryGetValue(i, out var t))
                {
                    inits[i] = t;
                }
            }
        }
        var m = new Model(g) { IrVersion = fp32.IrVersion };
        foreach (var kv in fp32.OpsetImports)
        {
            m.OpsetImports[kv.Key] = kv.Value;
        }
        // DynamicQuantizeLinear (and the per-row form's Round and Clip with inputs) need opset 11.
        m.OpsetImports[""] = opset;
        return m;
    }

    private static bool Eligible(Axon.Graph.Graph g, Node n, int minK) =>
        n.Domain.Length == 0 && n.OpType == "MatMul" && n.Inputs.Count == 2 && g.Initializers.TryGetValue(n.Inputs[1], out var w)
        && w.DType == DType.Float32 && w.Rank == 2 && w.Shape[0] >= minK;

    /// <summary>Symmetric int8: scale = max|w| / qmax per column (or per matrix), q = clamp(round(w / scale), -qmax, qmax).</summary>
    internal static (sbyte[] Q, float[] Scales) QuantizeWeight(ReadOnlySpan<float> wf, int k, int cols, bool perChannel, int qmax)
    {
        var max = new float[perChannel ? cols : 1];
        for (int p = 0; p < k; p++)
        {
            for (int c = 0; c < cols; c++)
            {
                int j = perChannel ? c : 0;
                max[j] = MathF.Max(max[j], MathF.Abs(wf[p * cols + c]));
            }
        }
        var scales = max.Select(v => v > 0 ? v / qmax : 1f).ToArray();
        var wq = new sbyte[k * cols];
        for (int p = 0; p < k; p++)
        {
            for (int c = 0; c < cols; c++)
            {
                wq[p * cols + c] = (sbyte)Math.Clamp(MathF.Round(wf[p * cols + c] / scales[perChannel ? c : 0]), -qmax, qmax);
            }
        }
        return (wq, scales);
    }
}
