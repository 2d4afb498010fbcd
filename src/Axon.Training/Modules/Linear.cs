using Axon.Graph;
using Axon.Graph.Builder;

namespace Axon.Training;

/// <summary>y = x·W + b with W [in, out]. 2-D inputs use Gemm; inputs of higher rank (sequences) use MatMul + Add.</summary>
public sealed class Linear(int inFeatures, int outFeatures, bool bias = true) : Module
{
    public int InFeatures { get; } = inFeatures;
    public int OutFeatures { get; } = outFeatures;

    public override Value Forward(ForwardContext ctx, Value x)
    {
        var w = ctx.Parameter("weight", [InFeatures, OutFeatures], Init.HeUniform, InFeatures);
        Value? b = bias ? ctx.Parameter("bias", [OutFeatures], Init.Zeros) : null;
        var rank = ctx.Rank(x);
        if (rank == 2)
        {
            return ctx.Builder.Gemm(x, w, b);
        }
        var y = ctx.Builder.MatMul(x, w);
        return b is { } bb ? ctx.Builder.Add(y, bb) : y;
    }
}
