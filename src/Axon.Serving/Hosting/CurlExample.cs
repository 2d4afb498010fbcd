using System.Text;
using Axon.Serving.Repository;

namespace Axon.Serving.Hosting;

/// <summary>A ready-to-paste <c>curl</c> inference request for a loaded model: every input filled with zeros (batch 1).</summary>
internal static class CurlExample
{
    public static string? For(AxonServer server)
    {
        var model = server.LoadedModels().FirstOrDefault();
        return model is null ? null : For(server.HttpUrl, model);
    }

    public static string For(Uri http, IServedModel m)
    {
        var sb = new StringBuilder();
        sb.Append("curl -s -X POST ").Append(http.ToString().TrimEnd('/')).Append("/v2/models/").Append(m.Name).Append("/infer ");
        sb.Append("-H 'Content-Type: application/json' -d '{\"inputs\":[");
        for (int i = 0; i < m.Inputs.Count; i++)
        {
            var s = m.Inputs[i];
            long[] shape = s.Shape.Select(d => d < 0 ? 1L : d).ToArray();
            long n = shape.Aggregate(1L, (a, b) => a * b);
            string zero = s.DType switch
            {
                DType.Bool => "false",
                DType.String => "\"\"",
                _ => "0",
            };
            sb.Append(i > 0 ? "," : "").Append("{\"name\":\"").Append(s.Name).Append("\",\"shape\":[").Append(string.Join(",", shape))
              .Append("],\"datatype\":\"").Append(s.Datatype).Append("\",\"data\":[")
              .Append(string.Join(",", Enumerable.Repeat(zero, (int)Math.Min(n, 1 << 16)))).Append("]}");
        }
        sb.Append("]}'");
        return sb.ToString();
    }
}
