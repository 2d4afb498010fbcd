namespace Axon.Onnx.Tests;

/// <summary>Locates the ONNX backend test data through Axon.Testing.TestPaths (missing data is an error, not a skip).</summary>
internal static class TestData
{
    public static string Root => Axon.Testing.TestPaths.OnnxTests;

    /// <summary>Every model.onnx of the given suites, sorted by path.</summary>
    public static IReadOnlyList<string> Models(params string[] suites)
    {
        var root = Root;
        var list = new List<string>();
        foreach (var s in suites)
        {
            var dir = Path.Combine(root, s);
            if (!Directory.Exists(dir))
            {
                continue;
            }
            foreach (var d in Directory.EnumerateDirectories(dir))
            {
                var f = Path.Combine(d, "model.onnx");
                if (File.Exists(f))
                {
                    list.Add(f);
                }
            }
        }
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    /// <summary>A fresh temporary folder, deleted when disposed.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "axon-onnx-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temp folder is harmless.
            }
        }
    }
}
