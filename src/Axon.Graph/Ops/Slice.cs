using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// Slice: starts/ends/axes/steps (attributes before opset 10, inputs from 10). Sizes follow the clamping rule; a
/// symbolic dim sliced whole (0 to INT_MAX, step 1) keeps its symbol. Slicing a 1-D shape value slices its dims.
/// </summary>
[Schema("Slice")]
internal sealed class Slice : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["starts"] = AttrKind.Ints, ["ends"] = AttrKind.Ints, ["axes"] = AttrKind.Ints,
    };

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        DType t = ctx.ElemType(0);
        if (!x.HasRank)
        {
            return ctx.One(t, SymShape.UnknownRank);
        }
        bool attrs = ctx.Opset < 10;
        long[]? starts = attrs ? ctx.Ints("starts") : ctx.ConstInts(1);
        long[]? ends = attrs ? ctx.Ints("ends") : ctx.ConstInts(2);
        long[]? axes = attrs ? ctx.Ints("axes") : ctx.HasInput(3) ? ctx.ConstInts(3) : null;
        long[]? steps = attrs ? null : ctx.HasInput(4) ? ctx.ConstInts(4) : null;
        if (starts is null || ends is null || (!attrs && ctx.HasInput(3) && axes is null) || (!attrs && ctx.HasInput(4) && steps is null))
        {
            return ctx.One(t, x.Dims.Select(_ => Dim.Unknown));
        }
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
        {
            return ctx.Fail("starts, ends, axes and steps differ in length");
        }
        var dims = x.Dims.ToArray();
        var ranges = new (long Start, long Step, long Count)?[x.Rank];
        for (int i = 0; i < starts.Length; i++)
        {
            if (ctx.Axis(axes[i], x.Rank) is not int ax)
            {
                return ctx.Unknowns();
            }
            if (steps[i] == 0)
            {
                return ctx.Fail("step 0 is not allowed");
            }
            Dim d = x[ax];
            if (!d.IsKnown)
            {
                bool whole = steps[i] == 1 && starts[i] == 0 && ends[i] >= int.MaxValue;
                dims[ax] = whole ? d : Dim.Unknown;
                continue;
            }
            var (s, c) = Range(d.Value, starts[i], ends[i], steps[i]);
            dims[ax] = Dim.Known(c);
            ranges[ax] = (s, steps[i], c);
        }
        if (x.Rank == 1 && ctx.DimsValue(0) is { } v && ranges[0] is { } r && x[0].Value == v.Length)
        {
            ctx.SetDims(0, Enumerable.Range(0, (int)r.Count).Select(k => v[(int)(r.Start + k * r.Step)]).ToArray());
        }
        return ctx.One(t, dims);
    }

    /// <summary>The first index and element count after ONNX's clamping of start and end to the dim.</summary>
    internal static (long Start, long Count) Range(long dim, long start, long end, long step)
    {
        if (start < 0)
        {
            start += dim;
        }
        if (end < 0)
        {
            end += dim;
        }
        if (step > 0)
        {
            start = Math.Clamp(start, 0, dim);
            end = Math.Clamp(end, 0, dim);
            return (start, end > start ? (end - start + step - 1) / step : 0);
        }
        start = Math.Clamp(start, 0, dim - 1);
        end = Math.Clamp(end, -1, dim - 1);
        return (start, start > end ? (start - end - step - 1) / -step : 0);
    }

    public OpCost Cost(CostContext ctx) => new(SymExpr.Zero, ctx.OutputElements(0) * SizeOf(ctx), CostContext.Bytes(ctx.Output(0)));

    private static long SizeOf(CostContext ctx) => ctx.Input(0) is { Kind: TypeKind.Tensor, ElemType: var e } && e.IsNumeric() ? e.SizeOf() : 8;
}
