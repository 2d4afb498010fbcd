using System.Net;
using System.Net.Sockets;

namespace Axon.Cli.Tests;

/// <summary><c>axon serve</c> argument handling (the server itself is tested in Axon.Serving.Tests).</summary>
public class ServeCommandTests
{
    [Theory]
    [InlineData("serve", "/no/such/repository-dir")]
    [InlineData("serve", "--http-port", "70000")]
    [InlineData("serve", "--grpc-port", "-5")]
    [InlineData("serve", "--host", "not-an-address")]
    [InlineData("serve", "--model-control-mode", "sometimes")]
    public void BadArgumentsExitTwo(params string[] args)
    {
        var (code, _, stderr) = CliHarness.Run(args);
        Assert.Equal(2, code);
        Assert.StartsWith("error", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void APortInUseExitsOne()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        int port = ((IPEndPoint)busy.LocalEndpoint).Port;
        var (code, _, stderr) = CliHarness.Run("serve", Path.Combine(CliHarness.RepoRoot, "models"), "--http-port", port.ToString(), "--grpc-port", "-1");
        Assert.Equal(1, code);
        Assert.Contains(port.ToString(), stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void TheDefaultRepositoryHoldsTheFashionModel()
    {
        // From the test folder this is the copy of models/ that travels beside axon, or the checkout's models/.
        string repo = Commands.ServeCommand.FindRepository(null);
        Assert.True(File.Exists(Path.Combine(repo, "fashion_mnist", "1", "model.onnx")), repo);
        Assert.True(File.Exists(Path.Combine(repo, "fashion_mnist", "config.yaml")), repo);
    }
}
