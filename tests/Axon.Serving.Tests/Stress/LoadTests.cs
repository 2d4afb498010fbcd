using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Axon.Onnx;
using Axon.Runtime;
using Axon.Serving.Repository;
using Axon.Serving.Tests.Http;
using Axon.Serving.Tests.Support;
using Xunit.Abstractions;

namespace Axon.Serving.Tests.Stress;

/// <summary>
/// Many concurrent inference requests on loopback: every one must succeed with the right answer. The unit-test size is
/// small; <c>AXON_SERVING_BENCH=1</c> runs the full 20,000 requests at concurrency 64 and prints throughput and latency
/// percentiles (recorded in docs/performance.md). No timing is asserted.
/// </summary>
public sealed class LoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ConcurrentRequestsAllSucceed() => await Run(requests: 1500, concurrency: 64, report: false);

    [Fact]
    public async Task FullLoadBench()
    {
        if (Environment.GetEnvironmentVariable("AXON_SERVING_BENCH") != "1")
        {
            return;
        }
        await Run(requests: 20_000, concurrency: 64, report: true);
    }

    private async Task Run(int requests, int concurrency, bool report)
    {
        await using var s = await TestServer.StartAsync();
        var images = Enumerable.Range(0, 8).Select(k => TestServer.Image(1, 100 + k)).ToArray();
        var expected = images.Select(img => InferTests.Expected(img, 1)).ToArray();
        var bodies = images.Select(img => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            inputs = new[] { new { name = "input", shape = new[] { 1, 1, 28, 28 }, datatype = "FP32", data = img } },
        }))).ToArray();
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = s.Server.HttpUrl };

        // Warm up: plans built, connections open.
        for (int i = 0; i < 50; i++)
        {
            await Send(client, bodies[i % 8]);
        }
        var latencies = new double[requests];
        int failed = 0, wrong = 0, next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                long t0 = Stopwatch.GetTimestamp();
                var (status, logits) = await Send(client, bodies[i % 8]);
                latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (status != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failed);
                }
                else if (i % 16 == 0 && !InferTests.Close(expected[i % 8], logits!))
                {
                    Interlocked.Increment(ref wrong);
                }
            }
        }));
        wall.Stop();
        Assert.Equal(0, failed);
        Assert.Equal(0, wrong);
        if (report)
        {
            Array.Sort(latencies);
            double inProcessP50 = InProcessP50(images[0]);
            double handleP50 = await HandleP50(s.Root, images[0]);
            double httpP50 = SequentialHttpP50(client, bodies[0]);
            output.WriteLine($"requests {requests}, concurrency {concurrency}, failed {failed}, wall {wall.Elapsed.TotalSeconds:F2} s");
            output.WriteLine($"throughput {requests / wall.Elapsed.TotalSeconds:F0} req/s, p50 {P(latencies, 0.5):F3} ms, p99 {P(latencies, 0.99):F3} ms");
            output.WriteLine($"sequential: HTTP p50 {httpP50:F3} ms, in-process ModelHandle.RunAsync (same config.yaml, batcher included) p50 {handleP50:F3} ms, serving overhead {httpP50 - handleP50:F3} ms");
            output.WriteLine($"sequential: InferenceSession.Run p50 {inProcessP50:F3} ms (no batcher)");
        }
    }

    private static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];

    private static double InProcessP50(float[] image)
    {
        using var session = new InferenceSession(OnnxModel.Load(OnnxModel.ToBytes(DefaultRepository.BuildClassifier()), null));
        var inputs = new Dictionary<string, Tensor> { ["input"] = Tensor.FromArray(image, 1, 1, 28, 28) };
        var t = new double[2000];
        for (int i = 0; i < 200; i++)
        {
            session.Run(inputs);
        }
        for (int i = 0; i < t.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            session.Run(inputs);
            t[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(t);
        return P(t, 0.5);
    }

    /// <summary>The same model version the server runs (same config.yaml, same batcher), called in process.</summary>
    private static async Task<double> HandleP50(string root, float[] image)
    {
        string dir = Path.Combine(root, DefaultRepository.ModelName);
        var config = ModelConfig.Load(Path.Combine(dir, "config.yaml"), "config.yaml");
        using var model = new RuntimeModel(new ModelSource(DefaultRepository.ModelName, "1", Path.Combine(dir, "1", "model.onnx"), config));
        var inputs = new Dictionary<string, Tensor> { ["input"] = Tensor.FromArray(image, 1, 1, 28, 28) };
        var t = new double[2000];
        for (int i = 0; i < 200; i++)
        {
            await model.InferAsync(inputs, Protocol.RequestPolicy.Default, CancellationToken.None);
        }
        for (int i = 0; i < t.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            await model.InferAsync(inputs, Protocol.RequestPolicy.Default, CancellationToken.None);
            t[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(t);
        return P(t, 0.5);
    }

    private static double SequentialHttpP50(HttpClient client, byte[] body)
    {
        var t = new double[2000];
        for (int i = 0; i < t.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Send(client, body).GetAwaiter().GetResult();
            t[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }
        Array.Sort(t);
        return P(t, 0.5);
    }

    private static async Task<(HttpStatusCode, float[]?)> Send(HttpClient client, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var r = await client.PostAsync("/v2/models/fashion_mnist/infer", content);
        if (r.StatusCode != HttpStatusCode.OK)
        {
            return (r.StatusCode, null);
        }
        using var doc = JsonDocument.Parse(await r.Content.ReadAsStreamAsync());
        return (r.StatusCode, doc.RootElement.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(e => e.GetSingle()).ToArray());
    }
}
