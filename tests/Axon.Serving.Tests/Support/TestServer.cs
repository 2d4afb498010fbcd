using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Axon.Serving.Repository;
using Axon.Testing;

namespace Axon.Serving.Tests.Support;

/// <summary>
/// A server on loopback ports picked by the OS, over a temporary repository holding the default Fashion-MNIST model
/// (real runtime), an all-datatypes echo model (fake, every input also takes any length) and a model whose file is
/// broken. Each model is a folder on disk so the repository code paths are the real ones.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string Fashion = DefaultRepository.ModelName;
    public const string Echo = "echo";
    public const string Slow = "slow_echo";
    public const string Broken = "broken";

    private TestServer(AxonServer server, string root, Dictionary<string, EchoModel> echoes)
    {
        Server = server;
        Root = root;
        Echoes = echoes;
        Http = new HttpClient { BaseAddress = server.HttpUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public AxonServer Server { get; }
    public string Root { get; }
    public HttpClient Http { get; }
    public Dictionary<string, EchoModel> Echoes { get; }

    public static async Task<TestServer> StartAsync(string? adminToken = null, string? apiKey = null, ModelControlMode mode = ModelControlMode.All,
        TimeSpan? slowDelay = null, bool withBroken = false, long maxRequestBytes = 8 << 20, bool fashion = true)
    {
        string root = Path.Combine(Path.GetTempPath(), "axon-serving-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        if (fashion)
        {
            DefaultRepository.Write(root);
        }
        foreach (var name in new[] { Echo, Slow })
        {
            Directory.CreateDirectory(Path.Combine(root, name, "1"));
            File.WriteAllText(Path.Combine(root, name, "1", "model.onnx"), "echo");
        }
        if (withBroken)
        {
            Directory.CreateDirectory(Path.Combine(root, Broken, "1"));
            File.WriteAllText(Path.Combine(root, Broken, "1", "model.onnx"), "this is not an onnx file");
        }
        var echoes = new Dictionary<string, EchoModel>();
        IServedModel Loader(ModelSource src)
        {
            if (src.Name is Echo or Slow)
            {
                var m = new EchoModel(src.Name, src.Version, src.Name == Slow ? slowDelay ?? TimeSpan.FromMilliseconds(300) : default);
                lock (echoes)
                {
                    echoes[src.Name] = m;
                }
                return m;
            }
            return ModelRepository.LoadFromDisk(src);
        }
        var options = new ServeOptions
        {
            Repository = root, HttpPort = 0, GrpcPort = 0, AdminToken = adminToken, ApiKey = apiKey, ControlMode = mode,
            MaxRequestBytes = maxRequestBytes, ShutdownTimeout = TimeSpan.FromSeconds(20),
        };
        var server = await AxonServer.StartAsync(options, Loader);
        return new TestServer(server, root, echoes);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(object value) => Json(JsonSerializer.Serialize(value));

    /// <summary>A binary-extension body: JSON header then the given bytes, with Inference-Header-Content-Length.</summary>
    public static ByteArrayContent Binary(string json, params byte[][] tensors)
    {
        var head = Encoding.UTF8.GetBytes(json);
        var body = head.Concat(tensors.SelectMany(t => t)).ToArray();
        var c = new ByteArrayContent(body);
        c.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        c.Headers.Add("Inference-Header-Content-Length", head.Length.ToString());
        return c;
    }

    public static async Task<JsonElement> ReadJson(HttpResponseMessage r)
    {
        string s = await r.Content.ReadAsStringAsync();
        return JsonDocument.Parse(s).RootElement.Clone();
    }

    /// <summary>A seeded 28x28 image batch for the Fashion-MNIST model.</summary>
    public static float[] Image(int batch, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, batch * 784).Select(_ => (float)rng.NextDouble()).ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(Root, true);
        }
        catch (IOException)
        {
        }
    }
}
