using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// Gather along any axis for any fixed-size dtype (embedding lookups are axis 0 over a [vocab, dim] table): whole
/// contiguous rows are copied per index, with negative indices wrapped and out-of-range ones rejected naming the node.
/// </summary>
[KernelFor("Gather")]
internal sealed class GatherKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var data = r.InputShape(0);
        var idx = r.InputShape(1);
        var t = r.InputTypes[0];
        var it = r.InputTypes[1];
        if (data is null || idx is null || t is null || it is null || t.ElemType == DType.String || data.Length == 0
            || it.ElemType is not (DType.Int64 or DType.Int32))
        {
            return null;
        }
        long axis = r.Node.GetInt("axis", 0);
        if (axis < 0)
        {
            axis += data.Length;
        }
        if (axis < 0 || axis >= data.Length)
        {
            return null;
        }
        int outer = data[..(int)axis].Aggregate(1, (p, v) => p * v);
        int inner = data[((int)axis + 1)..].Aggregate(1, (p, v) => p * v);
        return new Kernel(r.Node.ToString(), outer, data[(int)axis], inner * t.ElemType.SizeOf(), it.ElemType == DType.Int64);
    }

    private sealed class Kernel(string node, int outer, int axisLen, int rowBytes, bool int64) : INodeKernel
    {
        public string Name => "gather.rows";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool)
        {
            var src = inputs[0]!.Bytes;
            var dst = outputs[0].Bytes;
            var indices = inputs[1]!;
            int count = indices.Length;
            int o = 0;
            for (int a = 0; a < outer; a++)
            {
                for (int i = 0; i < count; i++)
                {
                    long k = int64 ? indices.Span<long>()[i] : indices.Span<int>()[i];
                    if (k < 0)
                    {
                        k += axisLen;
                    }
                    if (k < 0 || k >= axisLen)
                    {
                        throw new AxonInputException($"{node}: index {(int64 ? indices.Span<long>()[i] : indices.Span<int>()[i])} is out of range for an axis of {axisLen}", "AXON209");
                    }
                    src.Slice((int)(((long)a * axisLen + k) * rowBytes), rowBytes).CopyTo(dst.Slice(o, rowBytes));
                    o += rowBytes;
                }
            }
        }
    }
}
