using System.Numerics;
using System.Runtime.InteropServices;

namespace Axon.Training.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and (L2, coupled) weight decay:
/// g' = g + wd·w; v = μ·v + g'; step = nesterov ? g' + μ·v : v (plain g' without momentum); w -= lr·step.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float[][] _velocity;

    public Sgd(IReadOnlyList<int> sizes, float momentum = 0f, bool nesterov = false, float weightDecay = 0f) : base(sizes)
    {
        if (nesterov && momentum <= 0)
        {
            throw new AxonException("SGD: Nesterov momentum needs momentum > 0", "AXT121");
        }
        Momentum = momentum;
        Nesterov = nesterov;
        WeightDecay = weightDecay;
        _velocity = momentum > 0 ? sizes.Select(n => new float[n]).ToArray() : [];
    }

    public float Momentum { get; }
    public bool Nesterov { get; }
    public float WeightDecay { get; }
    public override string Name => "sgd";
    public override IReadOnlyList<float[]> StateBuffers => _velocity;

    protected override void Update(int index, int offset, Span<float> w, ReadOnlySpan<float> g, float lr)
    {
        float wd = WeightDecay, mu = Momentum;
        if (mu <= 0)
        {
            Apply(w, g, lr, wd);
            return;
        }
        Span<float> v = _velocity[index].AsSpan(offset, w.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vw = MemoryMarshal.Cast<float, Vector<float>>(w);
            var vg = MemoryMarshal.Cast<float, Vector<float>>(g);
            var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            var vmu = new Vector<float>(mu);
            var vlr = new Vector<float>(lr);
            var vwd = new Vector<float>(wd);
            for (int k = 0; k < vw.Length; k++)
            {
                var gg = vg[k] + vwd * vw[k];
                var nv = vmu * vv[k] + gg;
                vv[k] = nv;
                vw[k] -= vlr * (Nesterov ? gg + vmu * nv : nv);
            }
            i = vw.Length * Vector<float>.Count;
        }
        for (; i < w.Length; i++)
        {
            float gg = g[i] + wd * w[i];
            float nv = mu * v[i] + gg;
            v[i] = nv;
            w[i] -= lr * (Nesterov ? gg + mu * nv : nv);
        }
    }

    private static void Apply(Span<float> w, ReadOnlySpan<float> g, float lr, float wd)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vw = MemoryMarshal.Cast<float, Vector<float>>(w);
            var vg = MemoryMarshal.Cast<float, Vector<float>>(g);
            var vlr = new Vector<float>(lr);
            var vwd = new Vector<float>(wd);
            for (int k = 0; k < vw.Length; k++)
            {
                vw[k] -= vlr * (vg[k] + vwd * vw[k]);
            }
            i = vw.Length * Vector<float>.Count;
        }
        for (; i < w.Length; i++)
        {
            w[i] -= lr * (g[i] + wd * w[i]);
        }
    }
}
