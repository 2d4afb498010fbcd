using Axon.Graph;
using Axon.IO;

namespace Axon.Runtime.Precision;

/// <summary>
/// Model inputs for calibration and accuracy checks: a folder with one sub-folder per sample, each holding one
/// <c>&lt;input name&gt;.npy</c> per model input (a folder holding the .npy files directly is a single sample).
/// Samples are taken in ordinal order of their folder names.
/// </summary>
public sealed class SampleSet
{
    private SampleSet(IReadOnlyList<string> names, IReadOnlyList<Dictionary<string, Tensor>> samples)
    {
        Names = names;
        Samples = samples;
    }

    /// <summary>Sample names (folder names).</summary>
    public IReadOnlyList<string> Names { get; }

    public IReadOnlyList<Dictionary<string, Tensor>> Samples { get; }

    /// <summary>Reads every sample for the model's runtime inputs; names what is missing (AXQ001, AXQ002).</summary>
    public static SampleSet Load(string dir, IEnumerable<ValueInfo> inputs)
    {
        if (!Directory.Exists(dir))
        {
            throw new AxonInputException($"sample folder '{dir}' does not exist", "AXQ001");
        }
        var names = inputs.Select(i => i.Name).ToList();
        var folders = Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal).ToList();
        if (folders.Count == 0 && Directory.EnumerateFiles(dir, "*.npy").Any())
        {
            folders.Add(dir);
        }
        if (folders.Count == 0)
        {
            throw new AxonInputException($"sample folder '{dir}' holds no samples (expected one sub-folder per sample with {string.Join(", ", names.Select(n => n + ".npy"))})", "AXQ001");
        }
        var samples = new List<Dictionary<string, Tensor>>();
        foreach (var f in folders)
        {
            var d = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var n in names)
            {
                string path = Path.Combine(f, n + ".npy");
                if (!File.Exists(path))
                {
                    throw new AxonInputException($"sample '{Path.GetFileName(f)}' has no '{n}.npy' for model input '{n}' (in {f})", "AXQ002");
                }
                d[n] = Npy.Read(path);
            }
            samples.Add(d);
        }
        return new SampleSet(folders.Select(Path.GetFileName).Select(n => n ?? "").ToList(), samples);
    }

    /// <summary>Samples already in memory (a dataset reader's batches); names default to sample0, sample1, ...</summary>
    public static SampleSet FromTensors(IReadOnlyList<Dictionary<string, Tensor>> samples, IReadOnlyList<string>? names = null)
    {
        if (names is not null && names.Count != samples.Count)
        {
            throw new ArgumentException($"{names.Count} names for {samples.Count} samples");
        }
        return new SampleSet(names ?? Enumerable.Range(0, samples.Count).Select(i => $"sample{i}").ToList(), samples);
    }

    /// <summary>Seeded random inputs from the model's signature when no sample folder is given (symbolic dims: batch 1, others 16).</summary>
    public static SampleSet Random(IEnumerable<ValueInfo> inputs, int count, int seed = 1)
    {
        var rng = new Random(seed);
        var samples = new List<Dictionary<string, Tensor>>();
        for (int s = 0; s < count; s++)
        {
            var d = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var vi in inputs)
            {
                if (vi.Type.Kind != TypeKind.Tensor || !vi.Type.Shape.HasRank)
                {
                    throw new AxonInputException($"input '{vi.Name}' has no known rank; give samples with --inputs/--calibration", "AXQ002");
                }
                var shape = vi.Type.Shape.Dims.Select((x, i) => x.IsKnown ? (int)x.Value : i == 0 ? 1 : 16).ToArray();
                int n = shape.Aggregate(1, (p, v) => p * v);
                d[vi.Name] = vi.Type.ElemType switch
                {
                    DType.Int64 => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => vi.Name.Contains("mask") ? 1L : vi.Name.Contains("type") ? 0L : rng.Next(1000, 5000)).ToArray(), shape),
                    DType.Int32 => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => vi.Name.Contains("mask") ? 1 : rng.Next(0, 100)).ToArray(), shape),
                    DType.Float32 => Tensor.FromArray(Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), shape),
                    var t => throw new AxonInputException($"input '{vi.Name}' is {t}; give samples with --inputs/--calibration", "AXQ002"),
                };
            }
            samples.Add(d);
        }
        return new SampleSet(Enumerable.Range(0, count).Select(i => $"random{i}").ToList(), samples);
    }
}
