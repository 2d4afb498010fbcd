namespace Axon.Graph.Reference;

/// <summary>
/// The parts RNN, GRU and LSTM share: attribute parsing (direction, activations with their alpha/beta, clip, layout),
/// reading X and the initial states in layout 0 order, the per-gate affine sums, and assembling Y / Y_h / Y_c in the
/// requested layout. Everything computes in double and rounds once to the input dtype.
/// </summary>
internal sealed class Recurrent
{
    private Recurrent(OpContext ctx, int gates, string[] defaultActs)
    {
        Ctx = ctx;
        var x = ctx.Input(0);
        var w = ctx.Input(1);
        var r = ctx.Input(2);
        if (x.Rank != 3 || w.Rank != 3 || r.Rank != 3)
        {
            throw ctx.Error($"X, W and R must be rank 3, got {x}, {w}, {r}");
        }
        DType = x.DType;
        BatchFirst = ctx.Int("layout", 0) == 1;
        Seq = BatchFirst ? x.Shape[1] : x.Shape[0];
        Batch = BatchFirst ? x.Shape[0] : x.Shape[1];
        Input = x.Shape[2];
        Direction = ctx.String("direction", "forward");
        Dirs = Direction switch
        {
            "forward" or "reverse" => 1,
            "bidirectional" => 2,
            _ => throw ctx.Error($"direction '{Direction}' is not forward, reverse or bidirectional"),
        };
        Hidden = (int)ctx.Int("hidden_size", w.Shape[1] / gates);
        Gates = gates;
        if (w.Shape[0] != Dirs || w.Shape[1] != gates * Hidden || w.Shape[2] != Input)
        {
            throw ctx.Error($"W is {w}, expected [{Dirs},{gates * Hidden},{Input}]");
        }
        if (r.Shape[0] != Dirs || r.Shape[1] != gates * Hidden || r.Shape[2] != Hidden)
        {
            throw ctx.Error($"R is {r}, expected [{Dirs},{gates * Hidden},{Hidden}]");
        }
        X = ToLayout0(x.ToDoubles(), Seq, Batch, Input, BatchFirst);
        W = w.ToDoubles();
        R = r.ToDoubles();
        var b = ctx.OptionalInput(3);
        if (b is not null && (b.Rank != 2 || b.Shape[0] != Dirs || b.Shape[1] != 2 * gates * Hidden))
        {
            throw ctx.Error($"B is {b}, expected [{Dirs},{2 * gates * Hidden}]");
        }
        B = b?.ToDoubles() ?? new double[Dirs * 2 * gates * Hidden];
        var lens = ctx.OptionalInput(4);
        Lens = new int[Batch];
        for (int i = 0; i < Batch; i++)
        {
            long len = lens is null ? Seq : lens.ToInt64s()[i];
            if (len < 0 || len > Seq)
            {
                throw ctx.Error($"sequence_lens[{i}] = {len} is outside [0, {Seq}]");
            }
            Lens[i] = (int)len;
        }
        float clip = ctx.Float("clip", 0);
        Clip = ctx.Node.HasAttr("clip") && clip > 0 ? clip : double.PositiveInfinity;
        Acts = ParseActivations(ctx, defaultActs);
    }

    public OpContext Ctx { get; }
    public DType DType { get; }
    public bool BatchFirst { get; }
    public int Seq { get; }
    public int Batch { get; }
    public int Input { get; }
    public int Hidden { get; }
    public int Gates { get; }
    public int Dirs { get; }
    public string Direction { get; }

    /// <summary>X as [seq, batch, input].</summary>
    public double[] X { get; }
    public double[] W { get; }
    public double[] R { get; }

    /// <summary>[dirs, 2*gates*hidden]: the W biases then the R biases.</summary>
    public double[] B { get; }
    public int[] Lens { get; }
    public double Clip { get; }

    /// <summary>Activations for direction 0 followed by those for direction 1.</summary>
    public Func<double, double>[] Acts { get; }

    public static Recurrent Parse(OpContext ctx, int gates, params string[] defaultActs) => new(ctx, gates, defaultActs);

    /// <summary>True when direction <paramref name="d"/> walks time backwards.</summary>
    public bool Reversed(int d) => Direction == "reverse" || d == 1;

    /// <summary>Activation <paramref name="k"/> of direction <paramref name="d"/>.</summary>
    public Func<double, double> Act(int d, int k) => Acts[d * (Acts.Length / Dirs) + k];

    /// <summary>An initial-state input as [dirs, batch, hidden] (zeros when omitted).</summary>
    public double[] State(int inputIndex, string name)
    {
        var t = Ctx.OptionalInput(inputIndex);
        if (t is null)
        {
            return new double[Dirs * Batch * Hidden];
        }
        int[] expect = BatchFirst ? [Batch, Dirs, Hidden] : [Dirs, Batch, Hidden];
        if (!t.Shape.AsSpan().SequenceEqual(expect))
        {
            throw Ctx.Error($"{name} is {t}, expected [{string.Join(",", expect)}]");
        }
        var v = t.ToDoubles();
        return BatchFirst ? Swap01(v, Batch, Dirs, Hidden) : v;
    }

    /// <summary>Xt·Wg_j + Wbg_j: the input half of gate <paramref name="g"/>, unit <paramref name="j"/>, direction d, time t, batch b.</summary>
    public double XW(int d, int g, int j, int t, int b)
    {
        int row = (d * Gates + g) * Hidden + j;
        double s = B[d * 2 * Gates * Hidden + g * Hidden + j];
        int xo = (t * Batch + b) * Input;
        int wo = row * Input;
        for (int i = 0; i < Input; i++)
        {
            s += X[xo + i] * W[wo + i];
        }
        return s;
    }

    /// <summary>h·Rg_j + Rbg_j for direction d, with h read from <paramref name="h"/> at <paramref name="hOff"/>.</summary>
    public double HR(int d, int g, int j, double[] h, int hOff)
    {
        int row = (d * Gates + g) * Hidden + j;
        double s = B[d * 2 * Gates * Hidden + Gates * Hidden + g * Hidden + j];
        int ro = row * Hidden;
        for (int k = 0; k < Hidden; k++)
        {
            s += h[hOff + k] * R[ro + k];
        }
        return s;
    }

    public double Clamp(double v) => double.IsPositiveInfinity(Clip) ? v : Math.Clamp(v, -Clip, Clip);

    /// <summary>
    /// Builds the outputs: Y from <paramref name="y"/> ([seq, dirs, batch, hidden]) and each final state
    /// ([dirs, batch, hidden]), transposed to layout 1 when asked; unwanted outputs are null.
    /// </summary>
    public IValue?[] Outputs(double[] y, params double[][] finals)
    {
        var result = new IValue?[1 + finals.Length];
        if (Ctx.WantsOutput(0))
        {
            result[0] = BatchFirst
                ? Tensor.FromDoubles(DType, YToBatchFirst(y), Batch, Seq, Dirs, Hidden)
                : Tensor.FromDoubles(DType, y, Seq, Dirs, Batch, Hidden);
        }
        for (int i = 0; i < finals.Length; i++)
        {
            if (Ctx.WantsOutput(i + 1))
            {
                result[i + 1] = BatchFirst
                    ? Tensor.FromDoubles(DType, Swap01(finals[i], Dirs, Batch, Hidden), Batch, Dirs, Hidden)
                    : Tensor.FromDoubles(DType, finals[i], Dirs, Batch, Hidden);
            }
        }
        return result;
    }

    private double[] YToBatchFirst(double[] y)
    {
        var r = new double[y.Length];
        for (int t = 0; t < Seq; t++)
        {
            for (int d = 0; d < Dirs; d++)
            {
                for (int b = 0; b < Batch; b++)
                {
                    Array.Copy(y, ((t * Dirs + d) * Batch + b) * Hidden, r, ((b * Seq + t) * Dirs + d) * Hidden, Hidden);
                }
            }
        }
        return r;
    }

    /// <summary>Swaps the first two axes of an [a, b, c] array.</summary>
    private static double[] Swap01(double[] v, int a, int b, int c)
    {
        var r = new double[v.Length];
        for (int i = 0; i < a; i++)
        {
            for (int j = 0; j < b; j++)
            {
                Array.Copy(v, (i * b + j) * c, r, (j * a + i) * c, c);
            }
        }
        return r;
    }

    private static double[] ToLayout0(double[] x, int seq, int batch, int input, bool batchFirst) =>
        batchFirst ? Swap01(x, batch, seq, input) : x;

    private Func<double, double>[] ParseActivations(OpContext ctx, string[] defaults)
    {
        var names = ctx.Node.GetStrings("activations");
        if (names is null || names.Length == 0)
        {
            names = Enumerable.Range(0, Dirs).SelectMany(_ => defaults).ToArray();
        }
        else if (names.Length == defaults.Length && Dirs == 2)
        {
            names = names.Concat(names).ToArray();
        }
        if (names.Length != defaults.Length * Dirs)
        {
            throw ctx.Error($"expected {defaults.Length * Dirs} activations, got {names.Length}");
        }
        var alphas = ctx.Floats("activation_alpha") ?? [];
        var betas = ctx.Floats("activation_beta") ?? [];
        int ai = 0, bi = 0;
        // alpha and beta lists are consumed in activation order, only by the functions that take them.
        double NextAlpha(double def) => ai < alphas.Length ? alphas[ai++] : def;
        double NextBeta(double def) => bi < betas.Length ? betas[bi++] : def;
        var fs = new Func<double, double>[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            switch (names[i].ToLowerInvariant())
            {
                case "relu": fs[i] = v => Math.Max(0, v); break;
                case "tanh": fs[i] = Math.Tanh; break;
                case "sigmoid": fs[i] = v => 1 / (1 + Math.Exp(-v)); break;
                case "affine":
                {
                    double a = NextAlpha(1), b = NextBeta(0);
                    fs[i] = v => a * v + b;
                    break;
                }
                case "leakyrelu":
                {
                    double a = NextAlpha(0.01);
                    fs[i] = v => v >= 0 ? v : a * v;
                    break;
                }
                case "thresholdedrelu":
                {
                    double a = NextAlpha(1);
                    fs[i] = v => v >= a ? v : 0;
                    break;
                }
                case "scaledtanh":
                {
                    double a = NextAlpha(1), b = NextBeta(1);
                    fs[i] = v => a * Math.Tanh(b * v);
                    break;
                }
                case "hardsigmoid":
                {
                    double a = NextAlpha(0.2), b = NextBeta(0.5);
                    fs[i] = v => Math.Min(Math.Max(a * v + b, 0), 1);
                    break;
                }
                case "elu":
                {
                    double a = NextAlpha(1);
                    fs[i] = v => v >= 0 ? v : a * (Math.Exp(v) - 1);
                    break;
                }
                case "softsign": fs[i] = v => v / (1 + Math.Abs(v)); break;
                case "softplus": fs[i] = v => Math.Log(1 + Math.Exp(v)); break;
                default: throw ctx.Error($"unknown activation '{names[i]}'");
            }
        }
        return fs;
    }
}
