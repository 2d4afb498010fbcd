using System.Numerics;
using System.Runtime.InteropServices;

namespace Axon.Training.Optim;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov and Hutter): w -= lr·wd·w; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
/// w -= lr · m̂ / (sqrt(v̂) + ε) with m̂ = m / (1-β1^t), v̂ = v / (1-β2^t).
/// </summary>
public sealed class AdamW : Optimizer
{
    private readonly float[][] _state;

    public AdamW(IReadOnlyList<int> sizes, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0.01f)
        : base(sizes)
    {
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1)
        {
            throw new AxonException($"AdamW: betas must be in [0, 1), got {beta1} and {beta2}", "AXT121");
        }
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        // m and v of parameter i at 2i and 2i+1.
        _state = sizes.SelectMany(n => new[] { new float[n], new float[n] }).ToArray();
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Epsilon { get; }
    public float WeightDecay { get; }
    public override string Name => "adamw";
    public override IReadOnlyList<float[]> StateBuffers => _state;

    protected override void Update(int index, int offset, Span<float> w, ReadOnlySpan<float> g, float lr)
    {
        Span<float> m = _state[2 * index].AsSpan(offset, w.Length), v = _state[2 * index + 1].AsSpan(offset, w.Length);
        float b1 = Beta1, b2 = Beta2, eps = Epsilon;
        float c1 = 1f / (float)(1 - Math.Pow(b1, Steps));
        float c2 = 1f / (float)(1 - Math.Pow(b2, Steps));
        float decay = 1f - lr * WeightDecay;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vw = MemoryMarshal.Cast<float, Vector<float>>(w);
            var vg = MemoryMarshal.Cast<float, Vector<float>>(g);
            var vm = MemoryMarshal.Cast<float, Vector<float>>(m);
            var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            Vector<float> vb1 = new(b1), vb1c = new(1 - b1), vb2 = new(b2), vb2c = new(1 - b2);
            Vector<float> vc1 = new(c1), vc2 = new(c2), vlr = new(lr), veps = new(eps), vdecay = new(decay);
            for (int k = 0; k < vw.Length; k++)
            {
                var gg = vg[k];
                var nm = vb1 * vm[k] + vb1c * gg;
                var nv = vb2 * vv[k] + vb2c * gg * gg;
                vm[k] = nm;
                vv[k] = nv;
                vw[k] = vw[k] * vdecay - vlr * (nm * vc1) / (Vector.SquareRoot(nv * vc2) + veps);
            }
            i = vw.Length * Vector<float>.Count;
        }
        for (; i < w.Length; i++)
        {
            float gg = g[i];
            float nm = b1 * m[i] + (1 - b1) * gg;
            float nv = b2 * v[i] + (1 - b2) * gg * gg;
            m[i] = nm;
            v[i] = nv;
            w[i] = w[i] * decay - lr * (nm * c1) / (MathF.Sqrt(nv * c2) + eps);
        }
    }
}
