using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Axon.Serving.Hosting;
using Axon.Serving.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Axon.Serving.Http;

/// <summary>What every route shares: error bodies, auth checks, body reading.</summary>
internal static class RestProtocol
{
    public const string HeaderLength = "Inference-Header-Content-Length";

    /// <summary>Runs a handler; a <see cref="ServingException"/> or a bad HTTP request becomes a 4xx with <c>{"error": ...}</c>.</summary>
    public static async Task Guard(HttpContext http, Func<Task> handler)
    {
        try
        {
            await handler();
        }
        catch (ServingException e)
        {
            await WriteError(http, e.Status, e.Code, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            int status = e.StatusCode is >= 400 and < 500 ? e.StatusCode : 400;
            await WriteError(http, status, status == 413 ? "AXS042" : ServingCodes.BadField, e.Message);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (Exception e)
        {
            var log = http.RequestServices.GetService(typeof(ILogger<ServerContext>)) as ILogger;
            log?.LogError(e, "internal error serving {Path}", http.Request.Path.Value);
            await WriteError(http, 500, "AXS099", $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    public static async Task WriteError(HttpContext http, int status, string code, string message)
    {
        if (http.Response.HasStarted)
        {
            return;
        }
        http.Response.Clear();
        http.Response.StatusCode = status;
        http.Response.Headers["X-Axon-Error-Code"] = code;
        http.Response.ContentType = "application/json";
        var buf = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buf))
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        }
        await http.Response.Body.WriteAsync(buf.WrittenMemory);
    }

    public static Task WriteJson(HttpContext http, Action<Utf8JsonWriter> write, int status = 200)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        var buf = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buf))
        {
            write(w);
        }
        http.Response.ContentLength = buf.WrittenCount;
        return http.Response.Body.WriteAsync(buf.WrittenMemory).AsTask();
    }

    /// <summary>Checks the optional inference API key (<c>Authorization: Bearer KEY</c> or <c>X-API-Key: KEY</c>).</summary>
    public static void CheckApiKey(HttpContext http, ServerContext ctx)
    {
        if (ctx.Options.ApiKey is not { Length: > 0 } key)
        {
            return;
        }
        string? given = Bearer(http) ?? http.Request.Headers["X-API-Key"].FirstOrDefault();
        if (given is null || !SecretEquals(given, key))
        {
            throw ServingException.Unauthorized("this server needs an API key: send 'Authorization: Bearer KEY' or 'X-API-Key: KEY'");
        }
    }

    /// <summary>The repository API: disabled without an admin token, else the bearer token must match.</summary>
    public static void CheckAdmin(HttpContext http, ServerContext ctx)
    {
        if (ctx.Options.AdminToken is not { Length: > 0 } token)
        {
            throw ServingException.Forbidden("the repository API is disabled: start the server with AXON_ADMIN_TOKEN set to enable it");
        }
        string? given = Bearer(http);
        if (given is null || !SecretEquals(given, token))
        {
            throw ServingException.Unauthorized("the repository API needs 'Authorization: Bearer <AXON_ADMIN_TOKEN>'");
        }
    }

    public static bool SecretEquals(string given, string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(secret));

    private static string? Bearer(HttpContext http)
    {
        string? auth = http.Request.Headers.Authorization.FirstOrDefault();
        return auth is not null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? auth[7..].Trim() : null;
    }

    /// <summary>Reads the whole body into a rented buffer (caller returns it), refusing bodies over the limit.</summary>
    public static async Task<(byte[] Buffer, int Length)> ReadBody(HttpContext http, long limit)
    {
        long? declared = http.Request.ContentLength;
        if (declared > limit)
        {
            throw ServingException.TooLarge($"the request body is {declared} bytes; the limit is {limit}");
        }
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(256, declared ?? 16 * 1024));
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        throw ServingException.TooLarge($"the request body is larger than the limit of {limit} bytes");
                    }
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit + 1, (long)buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int n = await http.Request.Body.ReadAsync(buffer.AsMemory(length), http.RequestAborted);
                if (n == 0)
                {
                    break;
                }
                length += n;
                if (length > limit)
                {
                    throw ServingException.TooLarge($"the request body is larger than the limit of {limit} bytes");
                }
            }
            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>The <c>Inference-Header-Content-Length</c> header, if present.</summary>
    public static long? HeaderContentLength(HttpContext http)
    {
        if (!http.Request.Headers.TryGetValue(HeaderLength, out var v))
        {
            return null;
        }
        return v.Count == 1 && long.TryParse(v[0], System.Globalization.NumberStyles.None, null, out long n)
            ? n
            : throw ServingException.BadRequest(ServingCodes.BadBinary, $"{HeaderLength} must be one non-negative integer, got '{RepositoryText(v.ToString())}'");
    }

    private static string RepositoryText(string s) => s.Length <= 32 ? s : s[..32] + "...";
}
