using Axon.Graph;

namespace Axon.Runtime.Perf;

/// <summary>
/// Inputs made from a model's signature: floats uniform in [-1, 1), integer inputs small non-negative ids (masks are
/// ones, token types zeros), booleans true. Symbolic dims: the batch (dim 0) is the request's rows, others from the
/// given dims, else 128.
/// </summary>
public static class InputGenerator
{
    public const int DefaultSymbolicDim = 128;

    public static Dictionary<string, Tensor> Generate(IReadOnlyList<ValueInfo> inputs, int batch, IReadOnlyDictionary<string, int[]>? shapes = null,
        IReadOnlyDictionary<string, int>? dims = null, int seed = 1)
    {
        var rng = new Random(seed);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var vi in inputs)
        {
            var shape = ShapeOf(vi, batch, shapes, dims);
            int n = Tensor.CheckedLength(shape);
            string lower = vi.Name.ToLowerInvariant();
            result[vi.Name] = vi.Type.ElemType switch
            {
                DType.Float32 => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), shape),
                DType.Float64 => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 2 - 1).ToArray(), shape),
                DType.Int64 => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (long)IntValue(lower, rng)).ToArray(), shape),
                DType.Int32 => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => IntValue(lower, rng)).ToArray(), shape),
                DType.Bool => Tensor.FromArray(Enumerable.Repeat(true, n).ToArray(), shape),
                var d => throw new AxonInputException($"cannot generate input '{vi.Name}' of type {d.OnnxName()}; give real data instead", "AXON206"),
            };
        }
        return result;
    }

    private static int IntValue(string name, Random rng) =>
        name.Contains("mask", StringComparison.Ordinal) ? 1 : name.Contains("type", StringComparison.Ordinal) ? 0 : rng.Next(1, 1000);

    public static int[] ShapeOf(ValueInfo vi, int batch, IReadOnlyDictionary<string, int[]>? shapes, IReadOnlyDictionary<string, int>? dims)
    {
        if (shapes is not null && shapes.TryGetValue(vi.Name, out var fixedShape))
        {
            var s = (int[])fixedShape.Clone();
            if (vi.Type.Shape.HasRank && vi.Type.Shape.Rank == s.Length && s.Length > 0 && !vi.Type.Shape[0].IsKnown)
            {
                s[0] = batch;
            }
            return s;
        }
        if (vi.Type.Kind != TypeKind.Tensor || !vi.Type.Shape.HasRank)
        {
            throw new AxonInputException($"input '{vi.Name}' has no known rank; give its shape (--shape {vi.Name}=1x128)", "AXON207");
        }
        return vi.Type.Shape.Dims.Select((d, i) => d.IsKnown ? (int)d.Value
            : i == 0 ? batch
            : d.Symbol is { } sym && dims is not null && dims.TryGetValue(sym, out int v) ? v
            : DefaultSymbolicDim).ToArray();
    }
}
