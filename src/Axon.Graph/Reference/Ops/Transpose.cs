namespace Axon.Graph.Reference.Ops;

/// <summary>Transpose: output axis i is input axis perm[i]; without perm the axes are reversed.</summary>
[Op("Transpose")]
internal sealed class Transpose : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        long[] perm = ctx.Ints("perm") ?? Enumerable.Range(0, x.Rank).Reverse().Select(i => (long)i).ToArray();
        if (perm.Length != x.Rank)
        {
            throw ctx.Error($"perm [{string.Join(",", perm)}] does not match rank {x.Rank}");
        }
        var p = NdIndex.Axes(ctx, perm, x.Rank, "perm");
        return [NdIndex.Transpose(x, p)];
    }
}
