namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Unique: distinct elements of the flattened input, or distinct slices along axis; sorted ascending (slices
/// lexicographically) or, with sorted=0, in order of first occurrence. Also returns each unique item's first index, each
/// input item's position in Y (inverse_indices) and the counts, all int64.
/// </summary>
[Op("Unique")]
internal sealed class Unique : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        bool hasAxis = ctx.Node.HasAttr("axis");
        if (!hasAxis)
        {
            x = x.Reshape(x.Length);
        }
        int axis = NdIndex.Axis(ctx, ctx.Int("axis", 0), x.Rank);
        int n = x.Shape[axis];
        int outer = NdIndex.Product(x.Shape, 0, axis);
        int inner = NdIndex.Product(x.Shape, axis + 1, x.Rank);
        var cmp = ElementOrder.Of(x);
        // Items are the slices along axis; compare them element by element in row-major order.
        int CompareItems(int a, int b)
        {
            for (int o = 0; o < outer; o++)
            {
                for (int i = 0; i < inner; i++)
                {
                    int c = cmp((o * n + a) * inner + i, (o * n + b) * inner + i);
                    if (c != 0)
                    {
                        return c;
                    }
                }
            }
            return 0;
        }
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(order, (a, b) => CompareItems(a, b) is var c && c != 0 ? c : a.CompareTo(b));
        // Group equal neighbours; the stable tie-break puts each group's first occurrence first.
        var firsts = new List<int>();
        var counts = new List<long>();
        var groupOf = new int[n];
        for (int p = 0; p < n; p++)
        {
            if (p == 0 || CompareItems(order[p - 1], order[p]) != 0)
            {
                firsts.Add(order[p]);
                counts.Add(0);
            }
            groupOf[order[p]] = firsts.Count - 1;
            counts[^1]++;
        }
        var groups = Enumerable.Range(0, firsts.Count).ToArray();
        if (ctx.Int("sorted", 1) == 0)
        {
            Array.Sort(groups, (a, b) => firsts[a].CompareTo(firsts[b]));
        }
        var rankOfGroup = new int[groups.Length];
        for (int r = 0; r < groups.Length; r++)
        {
            rankOfGroup[groups[r]] = r;
        }
        int u = groups.Length;
        var shape = (int[])x.Shape.Clone();
        shape[axis] = u;
        var map = new int[Tensor.CheckedLength(shape)];
        for (int o = 0; o < outer; o++)
        {
            for (int r = 0; r < u; r++)
            {
                for (int i = 0; i < inner; i++)
                {
                    map[(o * u + r) * inner + i] = (o * n + firsts[groups[r]]) * inner + i;
                }
            }
        }
        var y = NdIndex.Take(x, null, map, shape);
        var indices = NdIndex.Int64Vector(groups.Select(g => (long)firsts[g]));
        var inverse = NdIndex.Int64Vector(groupOf.Select(g => (long)rankOfGroup[g]));
        var cnt = NdIndex.Int64Vector(groups.Select(g => counts[g]));
        return [y, indices, inverse, cnt];
    }
}
