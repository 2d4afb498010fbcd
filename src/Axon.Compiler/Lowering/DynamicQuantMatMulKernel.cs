using Axon.Kernels.Gemm;
using Axon.Kernels.Quant;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// axon:DynamicQuantMatMul(A, W_q, w_scale, bias?, Z?, w_zero_point?) on the INT8 GEMM: W (constant int8 or uint8, zero
/// point per tensor or column) is packed once here; each run quantizes A to u8 per row or per tensor
/// (<see cref="DynamicQuant"/>), multiplies in int32 and dequantizes in the GEMM's epilogue, with bias, residual and
/// activation fused.
/// </summary>
[KernelFor("DynamicQuantMatMul", Domain = "axon")]
internal sealed class DynamicQuantMatMulKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var a = r.InputShape(0);
        var y = r.OutputShape(0);
        if (a is not { Length: >= 1 } || y is null || r.Constants[1] is not { Rank: 2, DType: DType.Int8 or DType.UInt8 } w
            || r.Constants[2] is not { DType: DType.Float32 } s || r.InputTypes[0]?.ElemType != DType.Float32 || FusedActivation.Of(r.Node) is not { } act)
        {
            return null;
        }
        int k = w.Shape[0], n = w.Shape[1];
        int rows = a[..^1].Aggregate(1, (p, v) => p * v);
        if (a[^1] != k || s.Length != n && s.Length != 1 || y.Aggregate(1L, (p, v) => p * v) != (long)rows * n)
        {
            return null;
        }
        int[] zeros = [];
        if (r.HasInput(5))
        {
            if (r.Constants.Length <= 5 || r.Constants[5] is not { } z || z.DType != w.DType || z.Length != 1 && z.Length != n)
            {
                return null;
            }
            zeros = z.ToInt64s().Select(v => (int)v).ToArray();
        }
        bool bias = r.HasInput(3), residual = r.HasInput(4);
        if (bias && !FusedActivation.IsRowVector(r.InputShape(3), n) || residual && !FusedActivation.IsFullResidual(r.InputShape(4), y))
        {
            return null;
        }
        var packed = w.DType == DType.UInt8
            ? QuantizedMatrix.PackUnsigned(w.ReadOnlySpan<byte>(), k, n, zeroPoints: zeros)
            : QuantizedMatrix.Pack(w.ReadOnlySpan<sbyte>(), k, n, zeroPoints: zeros);
        var scale = s.ToArray<float>();
        if (scale.Length == 1)
        {
            scale = Enumerable.Repeat(scale[0], n).ToArray();
        }
        return new Kernel(rows, n, k, packed, scale, bias, residual, act, r.Node.GetInt("per_tensor", 0) != 0);
    }

    private sealed unsafe class Kernel(int m, int n, int k, QuantizedMatrix packed, float[] colScale, bool bias, bool residual, FusedActivation act, bool perTensor) : INodeKernel
    {
        [ThreadStatic]
        private static AlignedBuffer? _scratch;

        public string Name => $"qgemm.{Qgemm.Tier}.dynamic{(perTensor ? ".tensor" : "")}{(packed.Split ? ".split" : "")}{(bias ? ".bias" : "")}{(residual ? ".residual" : "")}{act.Suffix}";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            long bytes = (long)m * k + (long)m * sizeof(float) + (long)m * sizeof(int) + 64;
            var buf = _scratch;
            if (buf is null || buf.Capacity < bytes)
            {
                buf?.Dispose();
                _scratch = buf = BufferPool.Shared.Rent(bytes);
            }
            byte* q = (byte*)buf.Pointer;
            float* rowScale = (float*)(q + ((long)m * k + 15 & ~15L));
            int* rowZero = (int*)(rowScale + m);
            fixed (float* pa = inputs[0]!.Span<float>(), py = outputs[0].Span<float>(), cs = colScale,
                pb = bias ? inputs[3]!.Span<float>() : default, pz = residual ? inputs[4]!.Span<float>() : default)
            {
                if (perTensor)
                {
                    DynamicQuant.QuantizeTensor(pa, m, k, k, q, k, rowScale, rowZero);
                }
                else
                {
                    DynamicQuant.QuantizeRows(pa, m, k, k, q, k, rowScale, rowZero, pool);
                }
                var ep = act.Epilogue(n);
                ep.BiasN = bias ? pb : null;
                ep.Residual = residual ? pz : null;
                Qgemm.Multiply(m, n, k, q, k, false, packed, py, n, QGemmOutput.Dequantize(rowScale, rowZero, cs, ep), pool);
            }
        }
    }
}
