namespace Axon.Cli.Tests;

/// <summary>Runs the CLI in-process and finds the shared ONNX test data beside the repository.</summary>
internal static class CliHarness
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = AxonCli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    /// <summary>The folder holding Axon.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot => Axon.Testing.TestPaths.RepoRoot;

    /// <summary>
    /// <c>shared/onnx-tests</c> beside the repository (CI clones the repo next to shared/); when the checkout is a git
    /// worktree nested deeper, the nearest ancestor holding <c>shared/onnx-tests</c>.
    /// </summary>
    public static string OnnxTests => Axon.Testing.TestPaths.OnnxTests;

    public static string Model(string test) => Path.Combine(OnnxTests, "node", test, "model.onnx");
}

/// <summary>A temporary folder deleted after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "axon-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, true);
        }
        catch (IOException)
        {
            // Leftover temp files are harmless.
        }
    }
}
