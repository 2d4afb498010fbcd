using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>What <see cref="SmoothQuant"/> smooths and how hard.</summary>
public sealed record SmoothQuantOptions
{
    /// <summary>Migration strength α in [0, 1]: s_j = max|X_j|^α / max|W_j|^(1-α). 0 leaves activations alone; 1 moves all of their range into the weights.</summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>α per smoothed activation (tensor name), overriding <see cref="Alpha"/> (what the per-layer search chooses).</summary>
    public IReadOnlyDictionary<string, double> AlphaPerActivation { get; init; } = new Dictionary<string, double>();

    /// <summary>Also smooth products whose input nothing can absorb (FFN-down after GELU) through an inserted Mul by 1/s.</summary>
    public bool InsertMul { get; init; }

    /// <summary>α for the activations smoothed through an inserted Mul (GELU outputs want less migration than LayerNorm outputs); null: <see cref="Alpha"/>.</summary>
    public double? InsertMulAlpha { get; init; }

    /// <summary>
    /// Smallest s (default 1e-5, the plain formula; 1: a channel is only ever divided down, never amplified). Dynamic quantization picks the
    /// activation range at run time, so a channel that calibration saw small but that grows on other inputs, amplified by
    /// 1/s, would set the whole tensor's scale; with s ≥ 1 no channel grows.
    /// </summary>
    public double MinScale { get; init; } = 1e-5;

    /// <summary>MatMul node names or output names left alone (what quantization keeps in FP32).</summary>
    public IReadOnlyCollection<string> Exclude { get; init; } = [];

    /// <summary>Products with fewer weight rows (K) than this are not smoothed (quantization leaves them FP32 too).</summary>
    public int MinK { get; init; } = 16;
}

/// <summary>
/// SmoothQuant (Xiao et al., 2023) as a pure Graph → Graph pass on the FP32 graph, before quantization: for each
/// activation X feeding MatMuls with constant weights, a per-input-channel s_j = max|X_j|^α / max|W_j|^(1-α) (max|W_j|
/// over row j of every smoothed weight reading X, so one s serves all of them), and X·W = (X·diag(1/s))·(diag(s)·W).
/// Weight rows take s; 1/s is folded where it is exact:
/// <list type="bullet">
/// <item>an affine LayerNorm tail (decomposed <c>Mul(·, γ)</c> then <c>Add(·, β)</c>, or <c>LayerNormalization</c>): γ/s and
/// β/s. Readers of X that are not smoothed (BERT's residual Add) get X back through one inserted <c>Mul(X', s)</c>.</item>
/// <item>the attention output projection: its input is Reshape(Transpose(MatMul(P, Transpose(Reshape(V))))) with the
/// head split [H, D] of the last axis, so channel c is the same channel of V and softmax·V is linear in it; V's weight
/// columns and bias take 1/s.</item>
/// <item>with <see cref="SmoothQuantOptions.InsertMul"/>, any other X: an inserted <c>Mul(X, 1/s)</c>.</item>
/// </list>
/// The smoothed model computes the same function up to float rounding. Channel statistics come from calibration
/// (<see cref="Activations"/> names the tensors to measure); activations without statistics are left alone.
/// </summary>
public sealed class SmoothQuant : PassBase
{
    private readonly IReadOnlyDictionary<string, float[]> _channelMax;
    private readonly SmoothQuantOptions _options;

    /// <param name="channelMax">max |x| per channel (last axis) of each activation <see cref="Activations"/> named.</param>
    public SmoothQuant(IReadOnlyDictionary<string, float[]> channelMax, SmoothQuantOptions options)
    {
        if (!(options.Alpha is >= 0 and <= 1) || options.InsertMulAlpha is { } ma && !(ma is >= 0 and <= 1) || options.AlphaPerActivation.Values.Any(a => !(a is >= 0 and <= 1)))
        {
            throw new AxonInputException($"SmoothQuant alpha must be in [0, 1], not {options.Alpha}", "AXQ070");
        }
        _channelMax = channelMax;
        _options = options;
    }

    public override string Name => "smooth-quant";

    /// <summary>The activations the pass would smooth, with their channel count and how 1/s would be absorbed.</summary>
    public static IReadOnlyList<SmoothTarget> Activations(Axon.Graph.Graph graph, SmoothQuantOptions options) =>
        SmoothTargets.Find(graph, options);

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var targets = SmoothTargets.Find(graph, _options).Where(t => _channelMax.TryGetValue(t.Activation, out var m) && m.Length == t.Channels).ToList();
        if (targets.Count == 0)
        {
            return graph;
        }
        var g = graph.Clone();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        // Edited copies of initializers (a weight can take row scales from one target and column scales from another).
        var edited = new Dictionary<string, float[]>(StringComparer.Ordinal);
        float[] Edit(string name) => edited.TryGetValue(name, out var v) ? v : edited[name] = graph.Initializers[name].ReadOnlySpan<float>().ToArray();
        var rewired = new Dictionary<Node, Node>();
        var inserted = new List<(Node? After, Node Mul)>();
        foreach (var t in targets)
        {
            double alpha = _options.AlphaPerActivation.TryGetValue(t.Activation, out var a) ? a
                : t.Kind == SmoothKind.InsertedMul && _options.InsertMulAlpha is { } ma ? ma : _options.Alpha;
            var s = Scales(_channelMax[t.Activation], t.Weights.Select(w => graph.Initializers[w]).ToList(), alpha, _options.MinScale);
            foreach (var w in t.Weights)
            {
                var v = Edit(w);
                for (int j = 0; j < t.Channels; j++)
                {
                    for (int c = 0, n = v.Length / t.Channels, row = j * n; c < n; c++)
                    {
                        v[row + c] *= s[j];
                    }
                }
            }
            switch (t.Kind)
            {
                case SmoothKind.LayerNormAffine:
                    foreach (var p in t.Absorbers)
                    {
                        var v = Edit(p);
                        for (int j = 0; j < v.Length; j++)
                        {
                            v[j] /= s[j];
                        }
                    }
                    if (t.Others.Count > 0)
                    {
                        // Readers that are not smoothed get X back: X = X' · s.
                        string sName = Rewrite.FreshName(g, t.Activation + "_smooth_scale", taken);
                        string restored = Rewrite.FreshName(g, t.Activation + "_unsmoothed", taken);
                        g.Initializers[sName] = Tensor.FromArray(s, t.Channels);
                        var mul = new Node("Mul", [t.Activation, sName], [restored], restored);
                        inserted.Add((t.Producer, mul));
                        foreach (var o in t.Others)
                        {
                            var cur = rewired.GetValueOrDefault(o, o);
                            rewired[o] = cur.With(inputs: cur.Inputs.Select(i => i == t.Activation ? restored : i));
                        }
                    }
                    break;
                case SmoothKind.AttentionValue:
                    {
                        var wv = Edit(t.Absorbers[0]);
                        for (int i = 0; i < wv.Length; i++)
                        {
                            wv[i] /= s[i % t.Channels];
                        }
                        if (t.Absorbers.Count > 1)
                        {
                            var bv = Edit(t.Absorbers[1]);
                            for (int j = 0; j < bv.Length; j++)
                            {
                                bv[j] /= s[j];
                            }
                        }
                        break;
                    }
                default:
                    {
                        string inv = Rewrite.FreshName(g, t.Activation + "_smooth_inverse", taken);
                        string smoothed = Rewrite.FreshName(g, t.Activation + "_smoothed", taken);
                        g.Initializers[inv] = Tensor.FromArray(s.Select(x => 1 / x).ToArray(), t.Channels);
                        inserted.Add((t.Producer, new Node("Mul", [t.Activation, inv], [smoothed], smoothed)));
                        foreach (var o in t.Consumers)
                        {
                            var cur = rewired.GetValueOrDefault(o, o);
                            rewired[o] = cur.With(inputs: cur.Inputs.Select(i => i == t.Activation ? smoothed : i));
                        }
                        break;
                    }
            }
            context.Count(Name, t.Kind.ToString());
        }
        foreach (var (name, v) in edited)
        {
            g.Initializers[name] = Tensor.FromArray(v, graph.Initializers[name].Shape);
        }
        g.Nodes.Clear();
        g.Nodes.AddRange(inserted.Where(i => i.After is null).Select(i => i.Mul));
        foreach (var n in graph.Nodes)
        {
            g.Nodes.Add(rewired.GetValueOrDefault(n, n));
            foreach (var (after, mul) in inserted.Where(i => i.After == n))
            {
                g.Nodes.Add(mul);
            }
        }
        return g;
    }

    /// <summary>s_j = max|X_j|^α / max|W_j|^(1-α), with max|W_j| over row j of every weight; 1 where either is 0, clamped to [max(minScale, 1e-5), 1e5].</summary>
    internal static float[] Scales(float[] actMax, IReadOnlyList<Tensor> weights, double alpha, double minScale = 1e-5)
    {
        int k = actMax.Length;
        var wMax = new float[k];
        foreach (var w in weights)
        {
            var v = w.ReadOnlySpan<float>();
            int n = v.Length / k;
            for (int j = 0; j < k; j++)
            {
                for (int c = 0; c < n; c++)
                {
                    wMax[j] = MathF.Max(wMax[j], MathF.Abs(v[j * n + c]));
                }
            }
        }
        var s = new float[k];
        for (int j = 0; j < k; j++)
        {
            double x = actMax[j], w = wMax[j];
            s[j] = x > 0 && w > 0 && double.IsFinite(x) ? (float)Math.Clamp(Math.Pow(x, alpha) / Math.Pow(w, 1 - alpha), Math.Max(1e-5, minScale), 1e5) : 1f;
        }
        return s;
    }
}
