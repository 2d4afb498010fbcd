using System.Collections.Concurrent;
using Axon.Onnx.Conformance;

namespace Axon.Conformance.Tests;

/// <summary>Finds the ONNX backend test data (shared/onnx-tests beside the repository) and memoizes results across tests.</summary>
internal static class TestData
{
    private static readonly ConcurrentDictionary<string, Lazy<ConformanceResult>> Results = new();

    public static string RepoRoot => Axon.Testing.TestPaths.RepoRoot;

    public static string OnnxTests => Axon.Testing.TestPaths.OnnxTests;



    public static IReadOnlyList<(string Suite, string Dir)> All { get; } = ConformanceRunner.Discover(OnnxTests);

    public static ConformanceResult Run(string suite, string name) =>
        Results.GetOrAdd($"{suite}/{name}", key => new Lazy<ConformanceResult>(() =>
            ConformanceRunner.RunOne(suite, Path.Combine(OnnxTests, suite, name)))).Value;

    /// <summary>"suite/test" -> reason, from tests/conformance-expected-failures.txt.</summary>
    public static IReadOnlyDictionary<string, string> ExpectedFailures { get; } = LoadExpected();

    private static Dictionary<string, string> LoadExpected()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        string path = Path.Combine(RepoRoot, "tests", "conformance-expected-failures.txt");
        if (!File.Exists(path))
        {
            return d;
        }
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            int hash = line.IndexOf('#');
            string key = (hash < 0 ? line : line[..hash]).Trim();
            string reason = hash < 0 ? "" : line[(hash + 1)..].Trim();
            d[key] = reason;
        }
        return d;
    }

    /// <summary>MANIFEST.tsv rows: test name -> ops used anywhere in the model (top level, subgraphs, functions).</summary>
    public static IReadOnlyDictionary<string, string[]> OpsByTest { get; } = LoadManifest();

    private static Dictionary<string, string[]> LoadManifest()
    {
        var d = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string path = Path.Combine(OnnxTests, "MANIFEST.tsv");
        if (!File.Exists(path))
        {
            return d;
        }
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var cols = line.Split('\t');
            if (cols.Length < 6)
            {
                continue;
            }
            var ops = cols[2].Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Concat(cols[5].Split(',', StringSplitOptions.RemoveEmptyEntries)).Distinct().ToArray();
            d[$"{cols[0]}/{cols[1]}"] = ops;
        }
        return d;
    }
}
