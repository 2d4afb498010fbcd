namespace Axon.Cli.Tests;

public class ExitCodeTests
{
    [Fact]
    public void CorruptModelExitsOneWithoutATrace()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("bad.onnx"), [0x08, 0x07, 0x12, 0xFF, 0xFF, 0x01, 0x02]);
        var (code, _, stderr) = CliHarness.Run("inspect", dir.File("bad.onnx"));
        Assert.Equal(1, code);
        Assert.StartsWith("error [", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("run")]
    public void MissingModelFileExitsOne(string verb)
    {
        var (code, _, stderr) = CliHarness.Run(verb, Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N") + ".onnx"));
        Assert.Equal(1, code);
        Assert.Contains("no-such-model-", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("inspect", "--frobnicate", "x.onnx")]
    [InlineData("no-such-verb")]
    [InlineData]
    public void UsageErrorsExitTwo(params string[] args)
    {
        var (code, _, stderr) = CliHarness.Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", stderr);
    }

    [Fact]
    public void VersionPrintsTheProductVersion()
    {
        var (code, stdout, _) = CliHarness.Run("--version");
        Assert.Equal(0, code);
        Assert.Matches(@"^axon \d+\.\d+\.\d+", stdout);
    }

    [Fact]
    public void HelpListsTheVerbs()
    {
        var (code, stdout, _) = CliHarness.Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("run", stdout);
        Assert.Contains("inspect", stdout);
        Assert.Contains("conformance", stdout);
    }
}
