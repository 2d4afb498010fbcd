using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// Type rules of the blocked-layout ops (domain "axon") that layout selection emits. A blocked tensor is
/// [N, ceil(C/16), H, W, 16] (NCHW16c); each op is defined as a standard op on the unblocked view, so its rule runs
/// that op's rule on [N, C, H, W] and blocks the result.
/// <list type="bullet">
/// <item>ReorderToNchwc(X [N, C, H, W]) gives the blocked tensor; ReorderFromNchwc(X){channels = C} the plain one.</item>
/// <item>NchwcConv(X, W, B?, Z?): axon:FusedConv (Conv attributes, group 1, plus the epilogue) with X blocked (or
/// plain NCHW: the stem, too few channels to block), Z and the output blocked. C = W[1], K = W[0].</item>
/// <item>NchwcMaxPool / NchwcAveragePool(X){channels, pooling attributes}: blocked in and out.</item>
/// <item>NchwcGlobalAveragePool(X){channels}: blocked in, plain [N, C, 1, 1] out (the layout region's end).</item>
/// </list>
/// </summary>
[Schema("ReorderToNchwc", Domain = "axon")]
[Schema("ReorderFromNchwc", Domain = "axon")]
[Schema("NchwcConv", Domain = "axon")]
[Schema("NchwcMaxPool", Domain = "axon")]
[Schema("NchwcAveragePool", Domain = "axon")]
[Schema("NchwcGlobalAveragePool", Domain = "axon")]
internal sealed class AxonNchwcOp : IOpSchema
{
    /// <summary>Channels per block.</summary>
    public const int Block = 16;

    private static readonly HashSet<string> OwnAttributes = new(StringComparer.Ordinal) { "channels" };

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        var type = ctx.ElemType(0);
        if (!x.HasRank)
        {
            return ctx.One(type, SymShape.UnknownRank);
        }
        string op = ctx.Node.OpType;
        if (op == "ReorderToNchwc")
        {
            return x.Rank == 4 ? ctx.One(type, Blocked(x)) : ctx.Fail($"ReorderToNchwc needs a 4-D NCHW input, got {x}");
        }
        bool plainConvInput = op == "NchwcConv" && x.Rank == 4;
        if (x.Rank != 5 && !plainConvInput)
        {
            return ctx.Fail($"{op} needs a blocked 5-D input [N, C/16, H, W, 16], got {x}");
        }
        Dim channels = op == "NchwcConv" ? WeightDim(ctx, 1) : ctx.Int("channels", -1) is var c and > 0 ? Dim.Known(c) : Dim.Unknown;
        var plain = plainConvInput ? x : new SymShape([x[0], channels, x[2], x[3]]);
        switch (op)
        {
            case "ReorderFromNchwc":
                return ctx.One(type, plain);
            case "NchwcGlobalAveragePool":
                return ctx.One(type, [x[0], channels, Dim.Known(1), Dim.Known(1)]);
        }
        var inner = Inner(ctx, op switch { "NchwcConv" => "Conv", "NchwcMaxPool" => "MaxPool", _ => "AveragePool" });
        var innerInputs = new List<TypeInfo?> { TypeInfo.Tensor(type, plain) };
        for (int i = 1; i < Math.Min(3, ctx.InputCount); i++)
        {
            innerInputs.Add(ctx.Input(i));
        }
        var r = SchemaRegistry.Find("", inner.OpType)!.InferTypes(new InferContext(inner, 21, innerInputs.ToArray()));
        if (r.Length == 0 || r[0] is not { Kind: TypeKind.Tensor } t || !t.Shape.HasRank)
        {
            return ctx.Unknowns();
        }
        return ctx.One(type, Blocked(t.Shape));
    }

    /// <summary>The unblocked op's cost (FLOPs), with the blocked tensors' bytes.</summary>
    public OpCost Cost(CostContext ctx)
    {
        string op = ctx.Node.OpType;
        if (op != "NchwcConv")
        {
            return ctx.Memory(ctx.InputElements(0));
        }
        var w = ctx.InputShape(1);
        var y = ctx.OutputShape(0);
        if (!w.HasRank || !y.HasRank || w.Rank != 4 || y.Rank != 5)
        {
            return ctx.Memory(SymExpr.Unknown);
        }
        // 2·N·K·OH·OW·C·KH·KW, with K from the weights (the output's padding lanes do no useful work).
        var flops = 2 * SymExpr.Of(y[0]) * SymExpr.Of(w[0]) * SymExpr.Of(y[2]) * SymExpr.Of(y[3]) * SymExpr.Of(w[1]) * SymExpr.Of(w[2]) * SymExpr.Of(w[3]);
        return ctx.Memory(flops);
    }

    /// <summary>[N, C, H, W] to [N, ceil(C/16), H, W, 16].</summary>
    public static SymShape Blocked(SymShape plain) =>
        new([plain[0], plain[1].IsKnown ? Dim.Known((plain[1].Value + Block - 1) / Block) : Dim.Unknown, plain[2], plain[3], Dim.Known(Block)]);

    private static Dim WeightDim(InferContext ctx, int axis) =>
        ctx.Shape(1) is { HasRank: true, Rank: 4 } w ? w[axis] : Dim.Unknown;

    private static Node Inner(InferContext ctx, string op)
    {
        var inputs = ctx.Node.Inputs.Take(op == "Conv" ? 3 : 1).ToList();
        while (inputs.Count > 1 && inputs[^1].Length == 0)
        {
            inputs.RemoveAt(inputs.Count - 1);
        }
        var n = new Node(op, inputs, [ctx.Node.Outputs[0]], ctx.Node.Name);
        foreach (var a in ctx.Node.Attributes.Values)
        {
            if (!OwnAttributes.Contains(a.Name) && a.Name is not ("activation" or "activation_alpha" or "activation_beta"))
            {
                n.SetAttr(a);
            }
        }
        return n;
    }
}
