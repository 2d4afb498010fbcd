using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>Base for one-input elementwise ops: the output has the input's type; cost is a fixed FLOP count per element.</summary>
internal abstract class UnarySchema : IOpSchema
{
    protected virtual long FlopsPerElement => 1;

    /// <summary>The output element type; the input's by default (IsNaN and friends answer bool).</summary>
    protected virtual DType OutType(DType input) => input;

    public virtual IReadOnlyDictionary<string, AttrKind> Attributes => SchemaRegistry.NoAttributes;

    public virtual TypeInfo[] InferTypes(InferContext ctx)
    {
        if (ctx.Input(0) is not { Kind: TypeKind.Tensor } t)
        {
            return ctx.Unknowns();
        }
        return ctx.One(TypeInfo.Tensor(OutType(t.ElemType), t.Shape));
    }

    public virtual OpCost Cost(CostContext ctx) => ctx.PerOutputElement(FlopsPerElement);
}

/// <summary>
/// Base for broadcasting elementwise ops over any number of inputs (Add, Where, Sum...): the output shape is the
/// symbolic broadcast of every input. Integer-vector values (shape arithmetic such as <c>Shape(x)[0] * 12</c>) are
/// propagated symbolically where <see cref="Combine"/> says how.
/// </summary>
internal abstract class BroadcastSchema : IOpSchema
{
    protected virtual long FlopsPerElement => 1;

    /// <summary>The output element type given the input types; input 0's by default.</summary>
    protected virtual DType OutType(InferContext ctx) => ctx.ElemType(0);

    /// <summary>Combines two symbolic integer values, or null when this op does not propagate them.</summary>
    protected virtual Dim? Combine(Dim a, Dim b) => null;

    /// <summary>The same combination on plain integers (which may be negative).</summary>
    protected virtual long? Arith(long a, long b) => null;

    public virtual IReadOnlyDictionary<string, AttrKind> Attributes => SchemaRegistry.NoAttributes;

    public virtual TypeInfo[] InferTypes(InferContext ctx)
    {
        var shapes = new List<SymShape>();
        for (int i = 0; i < ctx.InputCount; i++)
        {
            if (!ctx.HasInput(i))
            {
                continue;
            }
            if (ctx.Input(i) is not { Kind: TypeKind.Tensor } t)
            {
                return ctx.Unknowns();
            }
            shapes.Add(t.Shape);
        }
        if (shapes.Count == 0)
        {
            return ctx.Unknowns();
        }
        var shape = ShapeMath.Broadcast(shapes, out string? error);
        if (shape is null)
        {
            return ctx.Fail(error!);
        }
        PropagateDims(ctx);
        return ctx.One(OutType(ctx), shape);
    }

    private void PropagateDims(InferContext ctx)
    {
        if (ctx.InputCount != 2 || ctx.DimsValue(0) is not { } a || ctx.DimsValue(1) is not { } b)
        {
            return;
        }
        if (ctx.Rank(0) is not (0 or 1) || ctx.Rank(1) is not (0 or 1))
        {
            return;
        }
        if (a.Length != b.Length && a.Length != 1 && b.Length != 1)
        {
            return;
        }
        int n = Math.Max(a.Length, b.Length);
        var r = new Dim[n];
        for (int i = 0; i < n; i++)
        {
            Dim x = a[a.Length == 1 ? 0 : i], y = b[b.Length == 1 ? 0 : i];
            if (ShapeMath.ValueOf(x) is long vx && ShapeMath.ValueOf(y) is long vy)
            {
                if (Arith(vx, vy) is not long v)
                {
                    return;
                }
                r[i] = ShapeMath.Literal(v);
                continue;
            }
            if (x.Symbol?.StartsWith('#') == true || y.Symbol?.StartsWith('#') == true || Combine(x, y) is not { } d)
            {
                return;
            }
            r[i] = d;
        }
        ctx.SetDims(0, r);
    }

    public virtual OpCost Cost(CostContext ctx) => ctx.PerOutputElement(FlopsPerElement);
}

/// <summary>Comparisons and logic: broadcast like arithmetic, answer bool.</summary>
internal abstract class PredicateSchema : BroadcastSchema
{
    protected override DType OutType(InferContext ctx) => DType.Bool;
}
