using Axon.Graph;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>
/// Identity that the planner could not turn into an alias (its output is a graph output) as one copy of the bytes: it
/// used to fall to the reference executor, which allocates a fresh tensor per run (ResNet-50's final <c>y</c>).
/// </summary>
[KernelFor("Identity")]
internal sealed class CopyKernelProvider : IKernelProvider
{
    public INodeKernel? TryCreate(KernelRequest r)
    {
        var inType = r.InputTypes.Length > 0 ? r.InputTypes[0] : null;
        var outType = r.OutputTypes.Length > 0 ? r.OutputTypes[0] : null;
        if (r.Node.Domain.Length != 0 || r.Node.Outputs.Count != 1 || r.InputShape(0) is not { } inShape || r.OutputShape(0) is not { } outShape
            || inType!.ElemType != outType!.ElemType || inType.ElemType == DType.String
            || inShape.Aggregate(1L, (a, d) => a * d) != outShape.Aggregate(1L, (a, d) => a * d))
        {
            return null;
        }
        return new Kernel();
    }

    private sealed class Kernel : INodeKernel
    {
        public string Name => "copy";

        public void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool) =>
            inputs[0]!.Bytes.CopyTo(outputs[0].Bytes);
    }
}
