using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Axon.Cli.Monitoring;

/// <summary>
/// Reads <c>GET /v2/axon/stats</c> from a running <c>axon serve</c>. Every failure becomes an <see cref="AxonException"/>
/// that names the server and what went wrong: unreachable (AXM001), not an Axon server or a bad answer (AXM002), an
/// unknown model (AXM003). Sends <c>AXON_API_KEY</c> as a bearer token when it is set.
/// </summary>
internal sealed class StatsClient : IDisposable
{
    private readonly HttpClient _http;

    public StatsClient(Uri baseUrl, TimeSpan timeout)
    {
        BaseUrl = baseUrl;
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = timeout };
        if (Environment.GetEnvironmentVariable("AXON_API_KEY") is { Length: > 0 } key)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
    }

    public Uri BaseUrl { get; }

    /// <summary>Parses <c>--url</c>: <c>http://host:port</c>, or <c>host:port</c> (http assumed).</summary>
    public static Uri ParseUrl(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UsageException("--url is required (the address of a running 'axon serve', e.g. --url http://127.0.0.1:8000)");
        }
        string t = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        if (!Uri.TryCreate(t, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || string.IsNullOrEmpty(u.Host))
        {
            throw new UsageException($"--url '{text}' is not an http address such as http://127.0.0.1:8000");
        }
        return new Uri(u.GetLeftPart(UriPartial.Authority) + "/");
    }

    /// <summary>One sample; latency percentiles cover the last <paramref name="window"/>.</summary>
    public StatsSample Fetch(TimeSpan window, string? model, CancellationToken ct = default)
    {
        string path = "v2/axon/stats?window=" + window.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)
            + (model is null ? "" : "&model=" + Uri.EscapeDataString(model));
        HttpResponseMessage resp;
        try
        {
            resp = _http.GetAsync(path, ct).GetAwaiter().GetResult();
        }
        catch (HttpRequestException e)
        {
            throw new AxonException($"cannot reach axon serve at {BaseUrl}: {Reason(e)} (is 'axon serve' running there?)", "AXM001");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new AxonException($"axon serve at {BaseUrl} did not answer within {_http.Timeout.TotalSeconds:0.#} s", "AXM001");
        }
        using (resp)
        {
            string body = resp.Content.ReadAsStringAsync(ct).GetAwaiter().GetResult();
            if (resp.StatusCode == HttpStatusCode.NotFound && model is not null && resp.Headers.TryGetValues("X-Axon-Error-Code", out var codes)
                && codes.Any(c => c is "AXS021" or "AXS022"))
            {
                throw new AxonException($"{ErrorText(body)} at {BaseUrl}", "AXM003");
            }
            if (!resp.IsSuccessStatusCode)
            {
                string why = resp.StatusCode == HttpStatusCode.NotFound
                    ? "it has no /v2/axon/stats endpoint (not an axon server, or one too old)"
                    : $"HTTP {(int)resp.StatusCode}: {ErrorText(body)}";
                throw new AxonException($"axon serve at {BaseUrl} refused the stats request: {why}", "AXM002");
            }
            try
            {
                using var doc = JsonDocument.Parse(body);
                if (doc.RootElement.Get("server").Str("name") != "axon")
                {
                    throw new AxonException($"the server at {BaseUrl} did not answer as axon serve does (no server.name 'axon' in its stats)", "AXM002");
                }
                return StatsSample.Parse(doc.RootElement, DateTimeOffset.UtcNow);
            }
            catch (JsonException e)
            {
                throw new AxonException($"the stats from {BaseUrl} are not valid JSON: {e.Message}", "AXM002");
            }
        }
    }

    private static string Reason(HttpRequestException e) => e.InnerException switch
    {
        SocketException s => s.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.NoData => "unknown host",
            SocketError.TimedOut => "connection timed out",
            _ => s.Message,
        },
        { } inner => inner.Message,
        _ => e.Message,
    };

    private static string ErrorText(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.Str("error") is { Length: > 0 } s ? s : body;
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }

    public void Dispose() => _http.Dispose();
}
