using System.Net;
using System.Text;
using Axon.Serving.Tests.Support;

namespace Axon.Serving.Tests.Stress;

/// <summary>
/// Thousands of seeded malformed requests (bad JSON, wrong dtypes and shapes, lying lengths, huge dims, unknown and
/// traversal names, odd headers): none may get a 5xx, and the server must still answer correctly afterwards.
/// </summary>
[Collection("server")]
public sealed class FuzzTests(ServerFixture f)
{
    private const int Cases = 6000;

    [Fact]
    public async Task MalformedRequestsNeverGet5xx()
    {
        var http = f.S.Http;
        var failures = new List<string>();
        var statuses = new int[600];
        await Parallel.ForEachAsync(Enumerable.Range(0, Cases), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var rng = new Random(1000 + i);
            using var req = Malformed(rng, i);
            string what = $"case {i}: {req.Method} {req.RequestUri}";
            try
            {
                using var r = await http.SendAsync(req, ct);
                Interlocked.Increment(ref statuses[(int)r.StatusCode]);
                if ((int)r.StatusCode >= 500)
                {
                    string body = await r.Content.ReadAsStringAsync(ct);
                    lock (failures)
                    {
                        failures.Add($"{what} -> {(int)r.StatusCode} {body}");
                    }
                }
            }
            catch (HttpRequestException e)
            {
                lock (failures)
                {
                    failures.Add($"{what} -> connection failed: {e.Message}");
                }
            }
        });
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        Assert.True(statuses[400] > Cases / 2, $"most cases should be 400s; got {string.Join(", ", statuses.Select((n, s) => (n, s)).Where(x => x.n > 0).Select(x => $"{x.s}: {x.n}"))}");
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/health/live")).StatusCode);
        var ok = await http.PostAsync("/v2/models/echo/infer", TestServer.Json(Repository.RepositoryTests.EchoRequest()));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    private static readonly string[] Models = ["fashion_mnist", "echo", "nope", "..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "a%00b", new string('m', 300), "fashion_mnist%2F..", "CON", "~root"];
    private static readonly string[] Versions = ["", "/versions/1", "/versions/0", "/versions/-1", "/versions/99999999999999999999", "/versions/..", "/versions/1e3"];
    private static readonly string[] Datatypes = ["FP32", "FP16", "BF16", "INT64", "BOOL", "BYTES", "UINT8", "fp32", "FLOAT", "", "INT4", "FP8"];

    private static HttpRequestMessage Malformed(Random rng, int i)
    {
        string model = rng.Next(3) == 0 ? Models[rng.Next(Models.Length)] : rng.Next(2) == 0 ? "fashion_mnist" : "echo";
        string url = $"/v2/models/{model}{Versions[rng.Next(Versions.Length)]}/infer";
        var req = new HttpRequestMessage(HttpMethod.Post, url);
        switch (i % 10)
        {
            case 0:
                req.Content = new ByteArrayContent(RandomBytes(rng, rng.Next(0, 2048)));
                break;
            case 1:
                req.Content = Text(Mutate(rng, ValidJson(rng)));
                break;
            case 2:
                req.Content = Text(Structured(rng));
                break;
            case 3:
            {
                // Binary extension with lying sizes and header lengths.
                string head = $$$"""{"inputs":[{"name":"input","shape":{{{Shape(rng)}}},"datatype":"{{{Datatypes[rng.Next(Datatypes.Length)]}}}","parameters":{"binary_data_size":{{{Lie(rng)}}}}}]}""";
                var body = Encoding.UTF8.GetBytes(head).Concat(RandomBytes(rng, rng.Next(0, 4096))).ToArray();
                req.Content = new ByteArrayContent(body);
                req.Content.Headers.TryAddWithoutValidation("Inference-Header-Content-Length", rng.Next(4) switch
                {
                    0 => Lie(rng),
                    1 => head.Length.ToString(),
                    2 => "abc",
                    _ => (body.Length + rng.Next(-3, 4)).ToString(),
                });
                break;
            }
            case 4:
            {
                // Raw binary bodies of random size.
                req.Content = new ByteArrayContent(RandomBytes(rng, rng.Next(0, 8000)));
                req.Content.Headers.TryAddWithoutValidation("Inference-Header-Content-Length", rng.Next(3) == 0 ? "-0" : "0");
                break;
            }
            case 5:
            {
                // Deep nesting and huge arrays of the wrong kind.
                int depth = rng.Next(1, 200);
                string data = new string('[', depth) + "1" + new string(']', depth);
                req.Content = Text($$"""{"inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","data":{{data}}}]}""");
                break;
            }
            case 6:
                req = new HttpRequestMessage(rng.Next(3) switch { 0 => HttpMethod.Get, 1 => HttpMethod.Put, _ => HttpMethod.Delete },
                    rng.Next(2) == 0 ? url : $"/v2/models/{model}/ready");
                break;
            case 7:
                req = new HttpRequestMessage(HttpMethod.Post, $"/v2/repository/models/{model}/{(rng.Next(2) == 0 ? "load" : "unload")}")
                {
                    Content = Text(Mutate(rng, """{"parameters":{"config":"{}"}}""")),
                };
                if (rng.Next(2) == 0)
                {
                    req.Headers.TryAddWithoutValidation("Authorization", rng.Next(2) == 0 ? "Bearer nope" : "Basic Zm9vOmJhcg==");
                }
                break;
            case 8:
                req.Content = Text(ValidJson(rng));
                req.Content.Headers.TryAddWithoutValidation("Inference-Header-Content-Length", Lie(rng));
                break;
            default:
            {
                var dt = Datatypes[rng.Next(Datatypes.Length)];
                var values = rng.Next(4) switch
                {
                    0 => "[\"x\",true,null]",
                    1 => "[1e999, -1e999, 1.5]",
                    2 => "[18446744073709551616, -9223372036854775809, 3]",
                    _ => "{\"a\":1}",
                };
                req.Content = Text($$"""{"id":{{(rng.Next(2) == 0 ? "7" : "\"x\"")}},"inputs":[{"name":"x_{{dt.ToLowerInvariant()}}","shape":[3],"datatype":"{{dt}}","data":{{values}}}]}""");
                break;
            }
        }
        return req;
    }

    private static string ValidJson(Random rng) => rng.Next(2) == 0
        ? $$$"""{"id":"f","inputs":[{"name":"input","shape":[1,1,28,28],"datatype":"FP32","data":[{{{string.Join(",", Enumerable.Repeat("0.5", 784))}}}]}],"outputs":[{"name":"logits","parameters":{"binary_data":true}}]}"""
        : Repository.RepositoryTests.EchoRequest();

    private static string Structured(Random rng)
    {
        string[] names = ["input", "x_fp32", "", "logits", "input\u0000", new string('i', 5000)];
        return $$"""{"inputs":[{"name":"{{names[rng.Next(names.Length)]}}","shape":{{Shape(rng)}},"datatype":"{{Datatypes[rng.Next(Datatypes.Length)]}}","data":[{{string.Join(",", Enumerable.Range(0, rng.Next(0, 50)).Select(_ => rng.Next(-5, 5)))}}]}],"outputs":{{(rng.Next(2) == 0 ? "[{\"name\":\"zzz\"}]" : "7")}}}""";
    }

    private static string Shape(Random rng) => rng.Next(8) switch
    {
        0 => "[]",
        1 => "[-1,1,28,28]",
        2 => "[4294967296,1,28,28]",
        3 => "[2147483647,2147483647,2147483647,2147483647]",
        4 => "[1.5]",
        5 => "\"1,1,28,28\"",
        6 => "[" + string.Join(",", Enumerable.Repeat("1", rng.Next(17, 40))) + "]",
        _ => $"[{rng.Next(0, 70)},1,28,28]",
    };

    private static string Lie(Random rng) => rng.Next(5) switch
    {
        0 => "-5",
        1 => "99999999999999",
        2 => rng.Next(0, 5000).ToString(),
        3 => "\"12\"",
        _ => "3136",
    };

    private static string Mutate(Random rng, string s)
    {
        var sb = new StringBuilder(s);
        int edits = rng.Next(1, 6);
        for (int k = 0; k < edits && sb.Length > 0; k++)
        {
            int pos = rng.Next(sb.Length);
            switch (rng.Next(4))
            {
                case 0: sb.Remove(pos, 1); break;
                case 1: sb.Insert(pos, "{}[],:\"0-e\\"[rng.Next(11)]); break;
                case 2: sb[pos] = (char)rng.Next(32, 127); break;
                default: sb.Length = pos; break;
            }
        }
        return sb.ToString();
    }

    private static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }

    private static StringContent Text(string s) => new(s, Encoding.UTF8, "application/json");
}
