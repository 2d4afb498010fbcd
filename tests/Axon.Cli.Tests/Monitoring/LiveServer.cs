using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Axon.Serving;

namespace Axon.Cli.Tests.Monitoring;

/// <summary>An in-process <c>axon serve</c> of the checkout's models/ (Fashion-MNIST) on a free loopback port.</summary>
internal sealed class LiveServer : IAsyncDisposable
{
    private LiveServer(AxonServer server)
    {
        Server = server;
        Http = new HttpClient { BaseAddress = server.HttpUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public AxonServer Server { get; }
    public HttpClient Http { get; }
    public string Url => Server.HttpUrl.ToString().TrimEnd('/');

    public static async Task<LiveServer> StartAsync() =>
        new(await AxonServer.StartAsync(new ServeOptions { Repository = Path.Combine(CliHarness.RepoRoot, "models"), HttpPort = 0, GrpcPort = -1 }));

    /// <summary>Sends <paramref name="count"/> single-image requests to fashion_mnist, one after another.</summary>
    public async Task InferAsync(int count, int seed = 1)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            var image = Enumerable.Range(0, 784).Select(_ => (float)rng.NextDouble()).ToArray();
            string json = JsonSerializer.Serialize(new { inputs = new[] { new { name = "input", shape = new[] { 1, 1, 28, 28 }, datatype = "FP32", data = image } } });
            var r = await Http.PostAsync("/v2/models/fashion_mnist/infer", new StringContent(json, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
