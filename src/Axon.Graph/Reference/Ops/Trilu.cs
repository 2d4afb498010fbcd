namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Trilu: keeps the upper (j - i &gt;= k) or lower (j - i &lt;= k) triangle of the last two axes and zeroes the rest;
/// k is the optional second input (default 0).
/// </summary>
[Op("Trilu")]
internal sealed class Trilu : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.Rank < 2)
        {
            throw ctx.Error($"input must have rank of at least 2, got {NdIndex.Str(x.Shape)}");
        }
        long k = ctx.OptionalInput(1) is { } kt ? NdIndex.Ints(ctx, kt, "k")[0] : 0;
        bool upper = ctx.Int("upper", 1) != 0;
        int rows = x.Shape[^2], cols = x.Shape[^1];
        var map = new int[x.Length];
        for (int f = 0; f < map.Length; f++)
        {
            long i = f / cols % rows, j = f % cols;
            bool keep = upper ? j - i >= k : j - i <= k;
            map[f] = keep ? f : ~0;
        }
        return [NdIndex.Take(x, null, map, x.Shape)];
    }
}
