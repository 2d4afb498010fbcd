using System.Buffers;
using System.Text.Json;
using Axon.Serving.Repository;

namespace Axon.Serving.Protocol;

/// <summary>
/// The HTTP inference body: a JSON request object, optionally followed by binary tensor data whose JSON part is
/// <c>Inference-Header-Content-Length</c> bytes long (the binary tensor data extension), or a raw binary body
/// (header length 0) for a model with one input.
/// </summary>
internal static class HttpInferCodec
{
    private static readonly JsonDocumentOptions DocOptions = new() { MaxDepth = 40 };

    public static InferRequest Decode(ReadOnlyMemory<byte> body, long? headerLength, IServedModel model)
    {
        if (headerLength is { } h && (h < 0 || h > body.Length))
        {
            throw ServingException.BadRequest(ServingCodes.BadBinary,
                $"Inference-Header-Content-Length is {h} but the body has {body.Length} bytes");
        }
        if (headerLength == 0)
        {
            return DecodeRaw(body.Span, model);
        }
        int jsonLength = (int)(headerLength ?? body.Length);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body[..jsonLength], DocOptions);
        }
        catch (JsonException e)
        {
            throw ServingException.BadRequest(ServingCodes.BadJson, $"the request body is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            return DecodeJson(doc.RootElement, body[jsonLength..]);
        }
    }

    private static InferRequest DecodeJson(JsonElement root, ReadOnlyMemory<byte> binary)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Field("the request must be a JSON object");
        }
        var req = new InferRequest
        {
            Id = OptionalString(root, "id", "request"),
            BinaryOutputs = Param(root, "binary_data_output", "request") is { } p && Bool(p, "request parameter 'binary_data_output'"),
        };
        req.Policy = RequestPolicy.From(Int(Param(root, "priority", "request"), "priority"), Int(Param(root, "timeout", "request"), "timeout"));
        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array)
        {
            throw Field("the request needs an 'inputs' array");
        }
        int offset = 0;
        int index = 0;
        foreach (var input in inputs.EnumerateArray())
        {
            string what = $"inputs[{index++}]";
            if (input.ValueKind != JsonValueKind.Object)
            {
                throw Field($"{what} must be an object");
            }
            string name = RequiredString(input, "name", what);
            what = $"input '{RepositoryPaths.Clip(name)}'";
            var dtype = Datatypes.Parse(RequiredString(input, "datatype", what), what);
            var shape = Shapes.Check(Dims(input, what), what);
            Tensor t;
            if (Param(input, "binary_data_size", what) is { } size)
            {
                if (size.ValueKind != JsonValueKind.Number || !size.TryGetInt64(out long n) || n < 0)
                {
                    throw Field($"{what}: parameter 'binary_data_size' must be a non-negative integer");
                }
                if (input.TryGetProperty("data", out _))
                {
                    throw Field($"{what}: give either 'data' or the 'binary_data_size' parameter, not both");
                }
                if (n > binary.Length - offset)
                {
                    throw ServingException.BadRequest(ServingCodes.BadBinary,
                        $"{what}: binary_data_size is {n} but only {binary.Length - offset} bytes of binary data remain after the JSON header");
                }
                t = TensorBinary.Decode(binary.Span.Slice(offset, (int)n), dtype, shape, what);
                offset += (int)n;
            }
            else if (input.TryGetProperty("data", out var data))
            {
                t = TensorJson.Decode(data, dtype, shape, what);
            }
            else
            {
                throw Field($"{what} has neither 'data' nor a 'binary_data_size' parameter");
            }
            req.Inputs.Add(new InferInput(name, t));
        }
        if (offset != binary.Length)
        {
            throw ServingException.BadRequest(ServingCodes.BadBinary,
                $"the body has {binary.Length} bytes after the JSON header but the inputs' binary_data_size add up to {offset}");
        }
        if (root.TryGetProperty("outputs", out var outputs))
        {
            if (outputs.ValueKind != JsonValueKind.Array)
            {
                throw Field("'outputs' must be an array");
            }
            req.Outputs = [];
            int k = 0;
            foreach (var o in outputs.EnumerateArray())
            {
                string what = $"outputs[{k++}]";
                if (o.ValueKind != JsonValueKind.Object)
                {
                    throw Field($"{what} must be an object");
                }
                string name = RequiredString(o, "name", what);
                if (Param(o, "classification", what) is not null)
                {
                    throw ServingException.BadRequest(ServingCodes.BadField, $"output '{RepositoryPaths.Clip(name)}': the classification extension is not supported");
                }
                bool binaryOut = Param(o, "binary_data", what) is { } b ? Bool(b, $"output '{name}' parameter 'binary_data'") : req.BinaryOutputs;
                req.Outputs.Add(new RequestedOutput(name, binaryOut));
            }
        }
        return req;
    }

    /// <summary>A body that is only the bytes of the single input; its one variable dim (if any) follows from the size.</summary>
    private static InferRequest DecodeRaw(ReadOnlySpan<byte> body, IServedModel model)
    {
        if (model.Inputs.Count != 1)
        {
            throw ServingException.BadRequest(ServingCodes.BadBinary,
                $"a raw binary request (Inference-Header-Content-Length: 0) needs a model with one input; '{model.Name}' has {model.Inputs.Count}");
        }
        var spec = model.Inputs[0];
        string what = $"input '{spec.Name}'";
        int[] shape;
        if (spec.DType == DType.String)
        {
            shape = [1];
        }
        else
        {
            int unknown = spec.Shape.Count(d => d < 0);
            long known = spec.Shape.Where(d => d >= 0).Aggregate(1L, (a, b) => a * b) * spec.DType.SizeOf();
            if (unknown > 1 || spec.Shape.Length == 0)
            {
                throw ServingException.BadRequest(ServingCodes.BadBinary, $"a raw binary request cannot tell the shape of {what} {Shapes.Text(spec.Shape)}");
            }
            if (known == 0 || body.Length % known != 0 || unknown == 0 && body.Length != known)
            {
                throw ServingException.BadRequest(ServingCodes.BadBinary,
                    $"{body.Length} bytes do not fill {what} ({spec.Datatype} {Shapes.Text(spec.Shape)})");
            }
            long rows = body.Length / known;
            shape = Shapes.Check(spec.Shape.Select(d => d < 0 ? rows : d).ToList(), what);
        }
        var req = new InferRequest { BinaryOutputs = true };
        req.Inputs.Add(new InferInput(spec.Name, TensorBinary.Decode(body, spec.DType, shape, what)));
        return req;
    }

    /// <summary>Writes the response; returns the JSON header length when binary outputs follow it (else null).</summary>
    public static long? Encode(InferResponse r, IBufferWriter<byte> body)
    {
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            w.WriteString("model_name", r.ModelName);
            w.WriteString("model_version", r.ModelVersion);
            if (r.Id is not null)
            {
                w.WriteString("id", r.Id);
            }
            w.WriteStartArray("outputs");
            foreach (var o in r.Outputs)
            {
                w.WriteStartObject();
                w.WriteString("name", o.Name);
                w.WriteString("datatype", Datatypes.Name(o.Tensor.DType));
                w.WriteStartArray("shape");
                foreach (var d in o.Tensor.Shape)
                {
                    w.WriteNumberValue(d);
                }
                w.WriteEndArray();
                if (o.Binary)
                {
                    w.WriteStartObject("parameters");
                    w.WriteNumber("binary_data_size", TensorBinary.Size(o.Tensor));
                    w.WriteEndObject();
                }
                else
                {
                    w.WritePropertyName("data");
                    TensorJson.Encode(w, o.Tensor);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.Flush();
            if (!r.Outputs.Any(o => o.Binary))
            {
                return null;
            }
            long header = w.BytesCommitted;
            foreach (var o in r.Outputs.Where(o => o.Binary))
            {
                TensorBinary.Write(body, o.Tensor);
            }
            return header;
        }
    }

    private static IReadOnlyList<long> Dims(JsonElement e, string what)
    {
        if (!e.TryGetProperty("shape", out var s) || s.ValueKind != JsonValueKind.Array)
        {
            throw Field($"{what} needs a 'shape' array");
        }
        var dims = new List<long>();
        foreach (var d in s.EnumerateArray())
        {
            if (dims.Count > 16)
            {
                throw ServingException.BadRequest(ServingCodes.BadShape, $"{what}: rank is more than 16");
            }
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long v))
            {
                throw ServingException.BadRequest(ServingCodes.BadShape, $"{what}: shape entries must be integers, got {RepositoryPaths.Clip(d.GetRawText())}");
            }
            dims.Add(v);
        }
        return dims;
    }

    private static JsonElement? Param(JsonElement e, string key, string what)
    {
        if (!e.TryGetProperty("parameters", out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (p.ValueKind != JsonValueKind.Object)
        {
            throw Field($"{what}: 'parameters' must be an object");
        }
        return p.TryGetProperty(key, out var v) ? v : null;
    }

    private static long? Int(JsonElement? e, string name) => e is not { } v
        ? null
        : v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : throw Field($"request parameter '{name}' must be an integer");

    private static bool Bool(JsonElement e, string what) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Field($"{what} must be true or false"),
    };

    private static string RequiredString(JsonElement e, string key, string what) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw Field($"{what} needs a non-empty string '{key}'");

    private static string? OptionalString(JsonElement e, string key, string what)
    {
        if (!e.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw Field($"{what}: '{key}' must be a string");
    }

    private static ServingException Field(string message) => ServingException.BadRequest(ServingCodes.BadField, message);
}
