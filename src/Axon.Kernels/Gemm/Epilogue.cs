namespace Axon.Kernels.Gemm;

/// <summary>Activations a GEMM or convolution can apply to its output while the tile is still in cache.</summary>
public enum Activation
{
    None,
    Relu,
    LeakyRelu,
    Sigmoid,
    Tanh,
    Gelu,
    GeluTanh,
    Silu,
    Clip,
}

/// <summary>
/// What happens to each output element after the dot product: <c>y = act(acc + biasN[j] + biasM[i] + residual[i,j])</c>.
/// Pointers may be null. <see cref="ActAlpha"/>/<see cref="ActBeta"/> are LeakyRelu's slope or Clip's min/max.
/// </summary>
public unsafe struct GemmEpilogue
{
    public float* BiasN;
    public float* BiasM;
    public float* Residual;
    public int ResidualStride;
    public Activation Activation;
    public float ActAlpha;
    public float ActBeta;

    public readonly bool IsIdentity => BiasN is null && BiasM is null && Residual is null && Activation == Activation.None;

    public static GemmEpilogue None => default;
}
