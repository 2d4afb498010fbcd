using Axon.Graph;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// Cast from an integer or bool tensor to FP32, as attention masks arrive (int64 ones and zeros cast to float before
/// the additive-mask arithmetic). Each value converts straight from its integer, rounding once, as the reference does.
/// </summary>
[KernelFor("Cast")]
internal sealed class IntegerCastKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var from = r.InputTypes.Length > 0 ? r.InputTypes[0]?.ElemType : null;
        var attr = r.Node.GetAttr("to");
        return attr is { Kind: AttrKind.Int } && attr.I == (long)DType.Float32 && r.InputShape(0) is not null
            && from is DType.Int64 or DType.Int32 or DType.Int16 or DType.Int8 or DType.UInt8 or DType.UInt16 or DType.UInt32 or DType.Bool
            ? new Kernel(from.Value)
            : null;
    }

    private sealed class Kernel(DType from) : INodeKernel
    {
        public string Name => $"cast.{from.ToString().ToLowerInvariant()}-fp32";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var y = outputs[0].Span<float>();
            var x = inputs[0]!;
            switch (from)
            {
                case DType.Int64:
                    Convert(x.ReadOnlySpan<long>(), y, static v => v);
                    break;
                case DType.Int32:
                    Convert(x.ReadOnlySpan<int>(), y, static v => v);
                    break;
                case DType.Int16:
                    Convert(x.ReadOnlySpan<short>(), y, static v => v);
                    break;
                case DType.Int8:
                    Convert(x.ReadOnlySpan<sbyte>(), y, static v => v);
                    break;
                case DType.UInt8:
                    Convert(x.ReadOnlySpan<byte>(), y, static v => v);
                    break;
                case DType.UInt16:
                    Convert(x.ReadOnlySpan<ushort>(), y, static v => v);
                    break;
                case DType.UInt32:
                    Convert(x.ReadOnlySpan<uint>(), y, static v => v);
                    break;
                default:
                    Convert(x.ReadOnlySpan<bool>(), y, static v => v ? 1 : 0);
                    break;
            }
        }

        private static void Convert<T>(ReadOnlySpan<T> x, Span<float> y, Func<T, long> widen)
        {
            for (int i = 0; i < y.Length; i++)
            {
                y[i] = widen(x[i]);
            }
        }
    }
}
