namespace Axon.Testing;

/// <summary>
/// Where tests find the repository and the ONNX backend test data. The data is <c>shared/onnx-tests</c> beside the
/// repository (CI clones the repo next to <c>shared/</c>); a git worktree nested deeper finds the nearest ancestor that
/// holds it; <c>AXON_ONNX_TESTS</c> overrides. Missing data is an error, never a silent skip.
/// </summary>
public static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);
    private static readonly Lazy<string> Onnx = new(FindOnnxTests);

    /// <summary>The folder holding Axon.sln.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>The ONNX backend test data folder (node, simple, pytorch-converted, pytorch-operator).</summary>
    public static string OnnxTests => Onnx.Value;

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Axon.sln")))
            {
                return d.FullName;
            }
        }
        throw new InvalidOperationException($"no Axon.sln above {AppContext.BaseDirectory}");
    }

    private static string FindOnnxTests()
    {
        var env = Environment.GetEnvironmentVariable("AXON_ONNX_TESTS");
        if (!string.IsNullOrEmpty(env))
        {
            return Directory.Exists(env) ? Path.GetFullPath(env) : throw new InvalidOperationException($"AXON_ONNX_TESTS={env} does not exist");
        }
        for (var d = Directory.GetParent(RepoRoot); d is not null; d = d.Parent)
        {
            string p = Path.Combine(d.FullName, "shared", "onnx-tests");
            if (Directory.Exists(p))
            {
                return p;
            }
        }
        throw new InvalidOperationException($"the ONNX backend test data (shared/onnx-tests) is not beside {RepoRoot} or above it");
    }
}
