using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// Writes Axon's per-row dynamic quantization (axon:DynamicQuantMatMul, <c>per_tensor=0</c>) in standard ONNX operators
/// any ONNX runtime executes, for <see cref="OnnxDynamicQuantizer"/> with <see cref="OnnxDynamicOptions.PerRow"/>.
/// Per input tensor x, shared by every product that reads it (Q, K and V):
/// <code>
/// lo    = Min(ReduceMin(x, axes=[-1], keepdims=1), 0)      hi = Max(ReduceMax(x, axes=[-1], keepdims=1), 0)
/// s     = Div(Sub(hi, lo), 255)                             scale = Where(Greater(s, 0), s, 1)
/// zp    = Clip(Round(Div(Neg(lo), scale)), 0, 255)
/// x_q   = Cast&lt;uint8&gt;(Clip(Add(Round(Mul(x, Div(1, scale))), zp), 0, 255))
/// zp_i  = Cast&lt;int32&gt;(zp)
/// </code>
/// and per product with a constant int8 W [K, N] (zero point 0), its column sums colsum [N] int32 and scales w_scale:
/// <code>
/// y = Mul(Cast&lt;float&gt;(Sub(MatMulInteger(x_q, W), Mul(zp_i, colsum))), Mul(scale, w_scale))
/// </code>
/// MatMulInteger gets no activation zero point (ONNX Runtime takes only a scalar one); the per-row zero point comes off
/// exactly in int32 through the column sums. This is the arithmetic of Axon.Kernels.Quant.DynamicQuant (RowParams,
/// QuantizeRow: Round is half to even in both) and of the kernel's epilogue, so
/// <see cref="FusePerRowMatMulInteger"/> turns it back into the one fused kernel with the same results.
/// </summary>
internal sealed class OnnxPerRowForm
{
    private readonly Axon.Graph.Graph _g;
    private readonly long _opset;
    private readonly Dictionary<string, (string Q, string Scale, string ZeroInt)> _rows = new(StringComparer.Ordinal);
    private readonly string _zero, _one, _max, _axes;

    public OnnxPerRowForm(Axon.Graph.Graph target, Axon.Graph.Graph source, long opset)
    {
        _g = target;
        _opset = opset;
        var taken = new HashSet<string>(source.Initializers.Keys.Concat(source.Nodes.SelectMany(n => n.Outputs)).Concat(source.Inputs.Select(i => i.Name)), StringComparer.Ordinal);
        string Fresh(string stem)
        {
            string s = stem;
            for (int i = 1; !taken.Add(s); i++)
            {
                s = $"{stem}_{i}";
            }
            return s;
        }
        _zero = Fresh("per_row_quant_zero");
        _one = Fresh("per_row_quant_one");
        _max = Fresh("per_row_quant_255");
        _axes = opset >= 18 ? Fresh("per_row_quant_axes") : "";
    }

    /// <summary>x_q, scale and the int32 zero point of <paramref name="x"/>, emitting the row quantization on first use.</summary>
    public (string Q, string Scale, string ZeroInt) Row(string x)
    {
        if (_rows.TryGetValue(x, out var r))
        {
            return r;
        }
        if (_rows.Count == 0)
        {
            var inits = _g.Initializers;
            inits[_zero] = Tensor.FromArray(new[] { 0f }, Array.Empty<int>());
            inits[_one] = Tensor.FromArray(new[] { 1f }, Array.Empty<int>());
            inits[_max] = Tensor.FromArray(new[] { 255f }, Array.Empty<int>());
            if (_axes.Length > 0)
            {
                inits[_axes] = Tensor.FromArray(new[] { -1L }, 1);
            }
        }
        string p = x + "_row";
        string lo = Binary("Min", Reduce("ReduceMin", x, p + "_min"), _zero, p + "_lo");
        string hi = Binary("Max", Reduce("ReduceMax", x, p + "_max"), _zero, p + "_hi");
        string raw = Binary("Div", Binary("Sub", hi, lo, p + "_range"), _max, p + "_scale_raw");
        string pos = Binary("Greater", raw, _zero, p + "_scale_positive");
        string scale = Add("Where", [pos, raw, _one], p + "_scale");
        string zp = Clip(Unary("Round", Binary("Div", Unary("Neg", lo, p + "_neg_lo"), scale, p + "_zero_point_raw"), p + "_zero_point_rounded"), p + "_zero_point");
        string inv = Binary("Div", _one, scale, p + "_inverse_scale");
        string shifted = Binary("Add", Unary("Round", Binary("Mul", x, inv, p + "_scaled"), p + "_rounded"), zp, p + "_shifted");
        string q = Cast(Clip(shifted, p + "_clipped"), DType.UInt8, x + "_quantized");
        string zi = Cast(zp, DType.Int32, p + "_zero_point_int32");
        return _rows[x] = (q, scale, zi);
    }

    /// <summary>The product y = x · W through <paramref name="wq"/> (int8 [K, N]) and its scales, written as <paramref name="node"/>'s output.</summary>
    public void Product(Node node, string wName, sbyte[] wq, float[] scales, int k, int n, bool perChannel)
    {
        var (q, scale, zi) = Row(node.Inputs[0]);
        var colsum = WeightQuantizer.ColumnSums(wq, k, n);
        var inits = _g.Initializers;
        inits[wName + "_quantized"] = Tensor.FromArray(wq, k, n);
        inits[wName + "_scale"] = perChannel ? Tensor.FromArray(scales, n) : Tensor.FromArray(scales, Array.Empty<int>());
        inits[wName + "_column_sum"] = Tensor.FromArray(colsum, n);
        string y = node.Outputs[0], stem = node.Name.Length > 0 ? node.Name : y;
        string yi = Add("MatMulInteger", [q, wName + "_quantized"], y + "_output_quantized", stem + "_quant");
        string corr = Binary("Mul", zi, wName + "_column_sum", y + "_zero_point_correction");
        string exact = Binary("Sub", yi, corr, y + "_output_corrected");
        string scales2 = Binary("Mul", scale, wName + "_scale", y + "_scales_mul");
        Add("Mul", [Cast(exact, DType.Float32, y + "_output_corrected_cast"), scales2], y, stem + "_quant_scales_mul_out");
    }

    private string Reduce(string op, string x, string output)
    {
        if (_axes.Length > 0)
        {
            return Add(op, [x, _axes], output, attrs: [Attr.Of("keepdims", 1L)]);
        }
        return Add(op, [x], output, attrs: [Attr.Of("axes", new[] { -1L }), Attr.Of("keepdims", 1L)]);
    }

    private string Clip(string x, string output) => Add("Clip", [x, _zero, _max], output);

    private string Cast(string x, DType to, string output) => Add("Cast", [x], output, attrs: [Attr.Of("to", (long)to)]);

    private string Unary(string op, string x, string output) => Add(op, [x], output);

    private string Binary(string op, string a, string b, string output) => Add(op, [a, b], output);

    private string Add(string op, string[] inputs, string output, string? name = null, params Attr[] attrs)
    {
        var n = new Node(op, inputs, [output], name ?? output + "_" + op);
        foreach (var a in attrs)
        {
            n.SetAttr(a);
        }
        _g.Nodes.Add(n);
        return output;
    }
}
