namespace Axon.Graph.Reference.Ops;

/// <summary>ArgMin: int64 index of the smallest element along one axis; ties go to the first index unless select_last_index.</summary>
[Op("ArgMin")]
internal sealed class ArgMin : IReferenceOp
{
    public IValue?[] Run(OpContext ctx) => [ArgMax.Arg(ctx, wantMax: false)];
}
