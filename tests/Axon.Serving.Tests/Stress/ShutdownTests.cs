using System.Net;
using Axon.Serving.Tests.Repository;
using Axon.Serving.Tests.Support;

namespace Axon.Serving.Tests.Stress;

/// <summary>Graceful shutdown: readiness turns false, new connections are refused, and every accepted request completes.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task AcceptedRequestsFinishDuringShutdown()
    {
        var s = await TestServer.StartAsync(slowDelay: TimeSpan.FromMilliseconds(500), fashion: false);
        try
        {
            var model = s.Echoes[TestServer.Slow];
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = s.Server.HttpUrl };
            const int inFlight = 32;
            var accepted = Enumerable.Range(0, inFlight)
                .Select(_ => client.PostAsync("/v2/models/slow_echo/infer", TestServer.Json(RepositoryTests.EchoRequest())))
                .ToList();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (model.Running < inFlight && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
            Assert.Equal(inFlight, model.Running);

            // Background load keeps arriving while the server stops: each request either completes with 200 or is
            // refused at the connection; none gets an error status or a cut-off answer.
            using var stopLoad = new CancellationTokenSource();
            int ok = 0, refused = 0, bad = 0;
            var load = Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            {
                while (!stopLoad.IsCancellationRequested)
                {
                    try
                    {
                        using var r = await client.PostAsync("/v2/models/echo/infer", TestServer.Json(RepositoryTests.EchoRequest()));
                        await r.Content.ReadAsStringAsync();
                        Interlocked.Increment(ref r.StatusCode == HttpStatusCode.OK ? ref ok : ref bad);
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref refused);
                        await Task.Delay(2);
                    }
                }
            }));
            // Let the background load be served at least once before the stop (a loaded machine may need more than 50 ms).
            var started = DateTime.UtcNow;
            while (Volatile.Read(ref ok) == 0 && DateTime.UtcNow - started < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(10);
            }
            var stopping = s.Server.StopAsync();
            var responses = await Task.WhenAll(accepted);
            await stopping;
            stopLoad.Cancel();
            await load;

            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            foreach (var r in responses)
            {
                Assert.Contains("y_bytes", await r.Content.ReadAsStringAsync());
            }
            Assert.Equal(0, bad);
            Assert.True(ok > 0, "the background load should have been served before the stop");
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("/v2/health/live"));
        }
        finally
        {
            await s.DisposeAsync();
        }
    }
}
