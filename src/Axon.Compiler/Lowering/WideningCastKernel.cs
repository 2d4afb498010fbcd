using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>Cast from BF16 or FP16 to FP32 (exact widening), as auto-cast inserts after half-width embedding lookups.</summary>
[KernelFor("Cast")]
internal sealed class WideningCastKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var from = r.InputTypes.Length > 0 ? r.InputTypes[0]?.ElemType : null;
        return r.Node.GetInt("to", 0) == (long)DType.Float32 && from is DType.BFloat16 or DType.Float16 && r.InputShape(0) is not null
            ? new Kernel(from == DType.BFloat16)
            : null;
    }

    private sealed class Kernel(bool bf16) : INodeKernel
    {
        public string Name => bf16 ? "cast.bf16-fp32" : "cast.fp16-fp32";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var y = outputs[0].Span<float>();
            if (bf16)
            {
                var x = inputs[0]!.ReadOnlySpan<ushort>();
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = BitConverter.UInt32BitsToSingle((uint)x[i] << 16);
                }
            }
            else
            {
                var x = inputs[0]!.ReadOnlySpan<Half>();
                for (int i = 0; i < y.Length; i++)
                {
                    y[i] = (float)x[i];
                }
            }
        }
    }
}
