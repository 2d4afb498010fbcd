using Axon.Kernels.Quant;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// The Q/DQ nodes no fusion absorbed, on vectorized kernels (<see cref="LinearQuant"/>): QuantizeLinear float32 → u8/s8
/// and DequantizeLinear u8/s8 → float32 with constant float32 scales and zero points, per tensor or per axis (blocked
/// quantization, other types and the <c>precision</c> attribute stay on the reference path).
/// </summary>
[KernelFor("QuantizeLinear")]
[KernelFor("DequantizeLinear")]
internal sealed class QuantizeLinearKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        bool quantize = r.Node.OpType == "QuantizeLinear";
        var x = r.InputShape(0);
        var xt = r.InputTypes[0]?.ElemType;
        if (x is null || r.Constants.Length < 2 || r.Constants[1] is not { DType: DType.Float32 } s || r.Node.GetInt("block_size", 0) != 0
            || r.Node.HasAttr("precision") || r.Node.HasAttr("output_dtype") && r.Node.GetInt("output_dtype", 0) != (long)(quantize ? r.OutputTypes[0]?.ElemType ?? DType.Undefined : DType.Float32))
        {
            return null;
        }
        Tensor? z = r.HasInput(2) ? r.Constants.Length > 2 ? r.Constants[2] : null : null;
        if (r.HasInput(2) && (z is null || z.Length != s.Length || !quantize && z.DType != xt))
        {
            return null;
        }
        DType q = quantize ? z?.DType ?? DType.UInt8 : xt ?? DType.Undefined;
        if (q is not (DType.UInt8 or DType.Int8) || (quantize ? xt != DType.Float32 : r.OutputTypes[0]?.ElemType is not (DType.Float32 or null)))
        {
            return null;
        }
        // Per-axis: one scale per index of `axis`; contiguous runs of `inner` elements share it.
        int channels = 1, inner = x.Aggregate(1, (p, v) => p * v);
        if (s.Length != 1)
        {
            if (s.Rank != 1 || x.Length == 0)
            {
                return null;
            }
            int axis = (int)r.Node.GetInt("axis", 1);
            axis = x.Length == 1 ? 0 : axis < 0 ? axis + x.Length : axis;
            if (axis < 0 || axis >= x.Length || x[axis] != s.Length)
            {
                return null;
            }
            channels = s.Length;
            inner = x.Skip(axis + 1).Aggregate(1, (p, v) => p * v);
        }
        var zeros = z is null ? new int[s.Length] : z.ToInt64s().Select(v => (int)v).ToArray();
        return new Kernel(quantize, q == DType.Int8, s.ToArray<float>(), zeros, channels, inner, x.Aggregate(1L, (p, v) => p * v));
    }

    private sealed unsafe class Kernel(bool quantize, bool signed, float[] scale, int[] zero, int channels, int inner, long length) : INodeKernel
    {
        public string Name => $"{(quantize ? "quantize" : "dequantize")}.{(signed ? "s8" : "u8")}{(channels > 1 ? ".axis" : "")}";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            fixed (byte* px = inputs[0]!.Bytes, py = outputs[0].Bytes)
            {
                long run = channels == 1 ? length : inner;
                for (long o = 0, c = 0; o < length; o += run, c = (c + 1) % channels)
                {
                    if (quantize)
                    {
                        LinearQuant.Quantize((float*)px + o, run, scale[c], zero[c], signed, py + o);
                    }
                    else
                    {
                        LinearQuant.Dequantize(px + o, run, scale[c], zero[c], signed, (float*)py + o);
                    }
                }
            }
        }
    }
}

/// <summary>DynamicQuantizeLinear (float32 → u8 with the scale and zero point of the whole tensor) on the vectorized quantizer.</summary>
[KernelFor("DynamicQuantizeLinear")]
internal sealed class DynamicQuantizeLinearKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r) =>
        r.InputShape(0) is { } x && r.InputTypes[0]?.ElemType == DType.Float32 && r.Node.Outputs.Count == 3
            ? new Kernel(x.Aggregate(1L, (p, v) => p * v)) : null;

    private sealed unsafe class Kernel(long length) : INodeKernel
    {
        public string Name => "dynamic-quantize.u8";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var x = inputs[0]!.Span<float>();
            float min = 0, max = 0;
            if (length > 0)
            {
                min = MathF.Min(0, System.Numerics.Tensors.TensorPrimitives.Min(x));
                max = MathF.Max(0, System.Numerics.Tensors.TensorPrimitives.Max(x));
            }
            float scale = (max - min) / 255f;
            int zero = scale == 0 ? 0 : (int)Math.Clamp(MathF.Round((0f - min) / scale), 0f, 255f);
            fixed (float* px = x)
            fixed (byte* py = outputs[0].Bytes)
            {
                if (scale == 0)
                {
                    new Span<byte>(py, (int)length).Clear();
                }
                else
                {
                    LinearQuant.Quantize(px, length, scale, zero, false, py);
                }
            }
            outputs[1].Span<float>()[0] = scale;
            outputs[2].Bytes[0] = (byte)zero;
        }
    }
}
