using Axon.Graph.Analysis;

namespace Axon.Graph.Ops;

/// <summary>
/// Base for RNN, GRU and LSTM: X is [seq, batch, input] ([batch, seq, input] with layout = 1), W is
/// [directions, gates*hidden, input]. Outputs: Y [seq, directions, batch, hidden] (layout 1: [batch, seq, directions,
/// hidden]) and the final states [directions, batch, hidden] (layout 1: [batch, directions, hidden]).
/// </summary>
internal abstract class RecurrentSchema : IOpSchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind>
    {
        ["activation_alpha"] = AttrKind.Floats, ["activation_beta"] = AttrKind.Floats, ["activations"] = AttrKind.Strings,
        ["clip"] = AttrKind.Float, ["direction"] = AttrKind.String, ["hidden_size"] = AttrKind.Int,
        ["layout"] = AttrKind.Int, ["input_forget"] = AttrKind.Int, ["linear_before_reset"] = AttrKind.Int,
    };

    /// <summary>Gate count: 1 for RNN, 3 for GRU, 4 for LSTM.</summary>
    protected abstract int Gates { get; }

    public IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;

    public TypeInfo[] InferTypes(InferContext ctx)
    {
        var x = ctx.Shape(0);
        var w = ctx.Shape(1);
        DType t = ctx.ElemType(0);
        bool batchFirst = ctx.Int("layout", 0) != 0;
        Dim seq = x.HasRank && x.Rank == 3 ? x[batchFirst ? 1 : 0] : Dim.Unknown;
        Dim batch = x.HasRank && x.Rank == 3 ? x[batchFirst ? 0 : 1] : Dim.Unknown;
        Dim dirs = ctx.String("direction", "forward") == "bidirectional" ? Dim.Known(2) : Dim.Known(1);
        Dim hidden = ctx.Node.HasAttr("hidden_size") ? Dim.Known(ctx.Int("hidden_size", 0))
            : w.HasRank && w.Rank == 3 ? SymExpr.Of(w[1]).DivideExact(SymExpr.Const(Gates)).ToDim() : Dim.Unknown;
        var r = new TypeInfo[ctx.OutputCount];
        for (int i = 0; i < r.Length; i++)
        {
            Dim[] dims = i == 0
                ? batchFirst ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden]
                : batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden];
            r[i] = TypeInfo.Tensor(t, new SymShape(dims));
        }
        return r;
    }

    /// <summary>Per step and direction: gates*hidden*(input + hidden) multiply-adds, plus the gate nonlinearities.</summary>
    public OpCost Cost(CostContext ctx)
    {
        var w = ctx.InputShape(1);
        var rr = ctx.InputShape(2);
        var x = ctx.InputShape(0);
        if (!w.HasRank || w.Rank != 3 || !rr.HasRank || rr.Rank != 3 || !x.HasRank || x.Rank != 3)
        {
            return ctx.Memory(SymExpr.Unknown);
        }
        var steps = SymExpr.Of(x[0]) * SymExpr.Of(x[1]);
        var perStep = 2 * SymExpr.Of(w[0]) * SymExpr.Of(w[1]) * (SymExpr.Of(w[2]) + SymExpr.Of(rr[2]));
        return ctx.Memory(steps * perStep);
    }
}
