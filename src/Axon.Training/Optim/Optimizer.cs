namespace Axon.Training.Optim;

/// <summary>
/// Updates parameters in place from their gradients. Parameters are identified by position; per-parameter state
/// (momentum, moments) lives in <see cref="StateBuffers"/> so checkpoints can save and restore it exactly.
/// </summary>
public abstract class Optimizer
{
    protected Optimizer(IReadOnlyList<int> sizes) => Sizes = sizes.ToArray();

    /// <summary>Element count of each parameter.</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <summary>Updates applied so far (AdamW's bias correction reads it).</summary>
    public long Steps { get; set; }

    /// <summary>All state arrays in a fixed order (saved and restored by checkpoints).</summary>
    public abstract IReadOnlyList<float[]> StateBuffers { get; }

    /// <summary>Short name for logs and checkpoints.</summary>
    public abstract string Name { get; }

    /// <summary>One update of every parameter at learning rate <paramref name="lr"/>.</summary>
    public void Step(IReadOnlyList<float[]> weights, IReadOnlyList<float[]> grads, float lr)
    {
        if (weights.Count != Sizes.Count || grads.Count != Sizes.Count)
        {
            throw new AxonException($"{Name}: expected {Sizes.Count} parameters and gradients, got {weights.Count} and {grads.Count}", "AXT120");
        }
        Steps++;
        for (int i = 0; i < weights.Count; i++)
        {
            if (weights[i].Length != Sizes[i] || grads[i].Length != Sizes[i])
            {
                throw new AxonException($"{Name}: parameter {i} has {weights[i].Length} values and gradient {grads[i].Length}; expected {Sizes[i]}", "AXT120");
            }
            Update(i, 0, weights[i], grads[i], lr);
        }
    }

    /// <summary>
    /// Counts one update without applying it; the caller then applies it with <see cref="UpdateRange"/> over disjoint
    /// ranges that cover every parameter, from any threads (the updates are elementwise, so the result is the same bits
    /// as <see cref="Step"/>).
    /// </summary>
    internal void BeginStep() => Steps++;

    /// <summary>Updates elements [offset, offset + w.Length) of parameter <paramref name="index"/> (after <see cref="BeginStep"/>).</summary>
    internal void UpdateRange(int index, int offset, Span<float> w, ReadOnlySpan<float> g, float lr)
    {
        if ((uint)index >= (uint)Sizes.Count || offset < 0 || offset + w.Length > Sizes[index] || g.Length != w.Length)
        {
            throw new AxonException($"{Name}: range [{offset}, {offset + w.Length}) of parameter {index} is outside it or its gradient has {g.Length} values", "AXT120");
        }
        Update(index, offset, w, g, lr);
    }

    /// <summary>Updates elements [offset, offset + w.Length) of parameter <paramref name="index"/>; <paramref name="w"/> and <paramref name="g"/> are that range.</summary>
    protected abstract void Update(int index, int offset, Span<float> w, ReadOnlySpan<float> g, float lr);
}
