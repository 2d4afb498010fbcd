using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// Type rules of Axon's fused ops (domain "axon"), so optimized graphs keep static shapes through inference (the plan
/// builder needs them to bind fast kernels). Each delegates to the rule of the standard op it replaces.
/// FusedConv/FusedGemm(X, W, B?, Z?): Conv/Gemm, broadcast with the residual Z. FusedMatMul(A, B, bias?, Z?): MatMul,
/// broadcast with bias and Z. Gelu/Silu/LayerNorm: the input's type.
/// </summary>
[Schema("FusedConv", Domain = "axon")]
[Schema("FusedMatMul", Domain = "axon")]
[Schema("FusedGemm", Domain = "axon")]
internal sealed class AxonFusedEpilogueOp : IOpSchema
{
    private static readonly HashSet<string> EpilogueAttributes = new(StringComparer.Ordinal) { "activation", "activation_alpha", "activation_beta" };

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        string op = ctx.Node.OpType["Fused".Length..];
        int baseInputs = op == "MatMul" ? 2 : 3;
        var inputs = ctx.Node.Inputs.Take(baseInputs).ToList();
        while (inputs.Count > 0 && inputs[^1].Length == 0)
        {
            inputs.RemoveAt(inputs.Count - 1);
        }
        var inner = new Node(op, inputs, [ctx.Node.Outputs[0]], ctx.Node.Name);
        foreach (var a in ctx.Node.Attributes.Values.Where(a => !EpilogueAttributes.Contains(a.Name)))
        {
            inner.SetAttr(a);
        }
        var innerCtx = new InferContext(inner, 21, ctx.Inputs.Take(inputs.Count).ToArray(),
            Enumerable.Range(0, inputs.Count).Select(ctx.Const).ToArray());
        var r = SchemaRegistry.Find("", op)!.InferTypes(innerCtx);
        if (r.Length == 0 || r[0] is not { Kind: TypeKind.Tensor } t)
        {
            return ctx.Unknowns();
        }
        var shapes = new List<SymShape> { t.Shape };
        for (int i = baseInputs; i < 4; i++)
        {
            if (ctx.HasInput(i))
            {
                shapes.Add(ctx.Shape(i));
            }
        }
        if (shapes.Any(s => !s.HasRank))
        {
            return ctx.One(t.ElemType, SymShape.UnknownRank);
        }
        var y = ShapeMath.Broadcast(shapes, out string? err);
        return y is null ? ctx.Fail(err!) : ctx.One(t.ElemType, y);
    }

    /// <summary>The base op's cost, plus one operation per output element for each epilogue step (bias, residual, activation).</summary>
    public OpCost Cost(CostContext ctx)
    {
        string op = ctx.Node.OpType["Fused".Length..];
        int baseInputs = op == "MatMul" ? 2 : 3;
        var inner = new Node(op, ctx.Node.Inputs.Take(baseInputs), [ctx.Node.Outputs[0]], ctx.Node.Name);
        foreach (var a in ctx.Node.Attributes.Values.Where(a => !EpilogueAttributes.Contains(a.Name)))
        {
            inner.SetAttr(a);
        }
        var baseCost = SchemaRegistry.Find("", op)!.Cost(new CostContext(inner, 21, ctx.Inputs.Take(baseInputs).ToArray(), ctx.Outputs));
        long steps = ctx.Node.Inputs.Skip(baseInputs).Count(i => i.Length > 0) + (ctx.Node.GetString("activation", "").Length > 0 ? 1 : 0);
        return new OpCost(baseCost.Flops + ctx.OutputElements(0) * steps, ctx.BytesRead, ctx.BytesWritten);
    }
}

/// <summary>axon:Gelu, axon:Silu, axon:LayerNorm: the output has the input's type.</summary>
[Schema("Gelu", Domain = "axon")]
[Schema("Silu", Domain = "axon")]
[Schema("LayerNorm", Domain = "axon")]
internal sealed class AxonSameTypeOp : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx) => ctx.Input(0) is { Kind: TypeKind.Tensor } t ? ctx.One(t) : ctx.Unknowns();

    /// <summary>Per element: GELU ~8 operations (erf polynomial), SiLU 4, LayerNorm 8 (mean, variance, normalize, scale, shift).</summary>
    public OpCost Cost(CostContext ctx) => ctx.PerOutputElement(ctx.Node.OpType == "Silu" ? 4 : 8);
}

/// <summary>axon:Attention(q_in, Wq, ...): [B, Sq, E]·[E, H·D] gives the output [B, Sq, H·D].</summary>
[Schema("Attention", Domain = "axon")]
internal sealed class AxonAttentionOp : IOpSchema
{
    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var q = ctx.Shape(0);
        var w = ctx.Shape(1);
        if (!q.HasRank || !w.HasRank || q.Rank != 3 || w.Rank != 2)
        {
            return ctx.One(ctx.ElemType(0), SymShape.UnknownRank);
        }
        return ctx.One(ctx.ElemType(0), [q[0], q[1], w[1]]);
    }

    /// <summary>Three projections (2·B·S·E·HD each), scores and the V product (2·B·Sq·Sk·HD each), softmax (~5 per score).</summary>
    public OpCost Cost(CostContext ctx)
    {
        SymShape q = ctx.InputShape(0), wq = ctx.InputShape(1), k = ctx.InputShape(3), v = ctx.InputShape(6);
        if (!q.HasRank || !wq.HasRank || !k.HasRank || !v.HasRank || q.Rank != 3 || wq.Rank != 2 || k.Rank != 3 || v.Rank != 3)
        {
            return ctx.Memory(SymExpr.Unknown);
        }
        SymExpr b = SymExpr.Of(q[0]), sq = SymExpr.Of(q[1]), sk = SymExpr.Of(k[1]), e = SymExpr.Of(q[2]), hd = SymExpr.Of(wq[1]);
        long heads = Math.Max(1, ctx.Node.GetInt("num_heads", 1));
        var proj = 2 * b * sq * e * hd + 2 * b * sk * SymExpr.Of(k[2]) * hd + 2 * b * sk * SymExpr.Of(v[2]) * hd;
        var attn = 4 * b * sq * sk * hd + 5 * heads * b * sq * sk;
        return ctx.Memory(proj + attn);
    }
}
