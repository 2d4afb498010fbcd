using System.Text;
using System.Text.Json;

namespace Axon.Serving.Protocol;

/// <summary>
/// Tensor data as JSON: a (possibly nested) array of numbers, booleans or strings in row-major order. Non-finite floats
/// travel as the strings "NaN", "Infinity" and "-Infinity" (JSON has no literal for them).
/// </summary>
internal static class TensorJson
{
    /// <summary>Decodes <paramref name="data"/> into a new tensor; the element count is checked before anything is allocated.</summary>
    public static Tensor Decode(JsonElement data, DType dtype, int[] shape, string what)
    {
        long expected = Shapes.Count(shape);
        long found = data.ValueKind == JsonValueKind.Array ? CountLeaves(data, expected) : 1;
        if (found != expected)
        {
            throw ServingException.BadRequest(ServingCodes.BadData,
                $"{what}: 'data' has {(found > expected ? "more than " + expected : found.ToString())} elements but shape {Shapes.Text(shape.Select(d => (long)d))} needs {expected}");
        }
        if (dtype == DType.String)
        {
            var strings = new string[expected];
            int k = 0;
            Visit(data, e => strings[k++] = e.ValueKind == JsonValueKind.String
                ? e.GetString()!
                : throw Bad(what, k, e, "a string"));
            return Tensor.FromStrings(strings, shape);
        }
        var t = Tensor.CreateUninitialized(dtype, shape);
        int i = 0;
        switch (dtype)
        {
            case DType.Bool:
                var b = t.Span<bool>().ToArray();
                Visit(data, e => b[i++] = e.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw Bad(what, i, e, "true or false"),
                });
                b.CopyTo(t.Span<bool>());
                break;
            case DType.Float32:
                // The common case, filled in place (no per-element delegate, no double buffer).
                var f = t.Span<float>();
                FillFloats(data, f, ref i, what);
                break;
            case DType.Float64 or DType.Float16 or DType.BFloat16:
                var d = new double[expected];
                Visit(data, e => d[i++] = Float(e, what, i));
                return Tensor.FromDoubles(dtype, d, shape);
            case DType.UInt64:
                var u = new ulong[expected];
                Visit(data, e => u[i++] = e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out var v) ? v : throw Bad(what, i, e, "an integer in 0..2^64-1"));
                u.CopyTo(t.Span<ulong>());
                break;
            default:
                var (lo, hi) = Range(dtype);
                var l = new long[expected];
                Visit(data, e => l[i++] = e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) && v >= lo && v <= hi
                    ? v
                    : throw Bad(what, i, e, $"an integer in {lo}..{hi}"));
                return Tensor.FromInt64s(dtype, l, shape);
        }
        return t;
    }

    /// <summary>Writes the tensor's elements as a flat JSON array.</summary>
    public static void Encode(Utf8JsonWriter w, Tensor t)
    {
        w.WriteStartArray();
        switch (t.DType)
        {
            case DType.Float32:
                foreach (var v in t.ReadOnlySpan<float>())
                {
                    WriteFloat(w, v);
                }
                break;
            case DType.Float64 or DType.Float16 or DType.BFloat16:
                foreach (var v in t.ToDoubles())
                {
                    WriteFloat(w, v);
                }
                break;
            case DType.Bool:
                foreach (var v in t.ReadOnlySpan<bool>())
                {
                    w.WriteBooleanValue(v);
                }
                break;
            case DType.UInt64:
                foreach (var v in t.ReadOnlySpan<ulong>())
                {
                    w.WriteNumberValue(v);
                }
                break;
            case DType.String:
                foreach (var s in t.Strings)
                {
                    w.WriteStringValue(s);
                }
                break;
            default:
                foreach (var v in t.ToInt64s())
                {
                    w.WriteNumberValue(v);
                }
                break;
        }
        w.WriteEndArray();
    }

    private static void WriteFloat(Utf8JsonWriter w, double v)
    {
        if (double.IsFinite(v))
        {
            w.WriteNumberValue(v);
        }
        else
        {
            w.WriteStringValue(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteFloat(Utf8JsonWriter w, float v)
    {
        if (float.IsFinite(v))
        {
            w.WriteNumberValue(v);
        }
        else
        {
            w.WriteStringValue(float.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void FillFloats(JsonElement e, Span<float> dst, ref int i, string what)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            dst[i] = (float)Float(e, what, i);
            i++;
            return;
        }
        foreach (var c in e.EnumerateArray())
        {
            if (c.ValueKind == JsonValueKind.Array)
            {
                FillFloats(c, dst, ref i, what);
            }
            else
            {
                dst[i] = c.ValueKind == JsonValueKind.Number && c.TryGetSingle(out float v) && float.IsFinite(v) ? v : (float)Float(c, what, i);
                i++;
            }
        }
    }

    private static double Float(JsonElement e, string what, int i)
    {
        if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var v))
        {
            return v;
        }
        if (e.ValueKind == JsonValueKind.String)
        {
            switch (e.GetString())
            {
                case "NaN": return double.NaN;
                case "Infinity" or "inf": return double.PositiveInfinity;
                case "-Infinity" or "-inf": return double.NegativeInfinity;
            }
        }
        throw Bad(what, i, e, "a number");
    }

    private static (long Lo, long Hi) Range(DType t) => t switch
    {
        DType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        DType.Int16 => (short.MinValue, short.MaxValue),
        DType.Int32 => (int.MinValue, int.MaxValue),
        DType.Int64 => (long.MinValue, long.MaxValue),
        DType.UInt8 => (0, byte.MaxValue),
        DType.UInt16 => (0, ushort.MaxValue),
        DType.UInt32 => (0, uint.MaxValue),
        _ => throw ServingException.BadRequest(ServingCodes.BadDatatype, $"datatype {Datatypes.Name(t)} cannot be sent as JSON"),
    };

    /// <summary>Leaves of a nested array, stopping early once past <paramref name="limit"/>.</summary>
    private static long CountLeaves(JsonElement e, long limit)
    {
        long n = 0;
        foreach (var c in e.EnumerateArray())
        {
            n += c.ValueKind == JsonValueKind.Array ? CountLeaves(c, limit - n) : 1;
            if (n > limit)
            {
                return n;
            }
        }
        return n;
    }

    private static void Visit(JsonElement e, Action<JsonElement> leaf)
    {
        if (e.ValueKind != JsonValueKind.Array)
        {
            leaf(e);
            return;
        }
        foreach (var c in e.EnumerateArray())
        {
            if (c.ValueKind == JsonValueKind.Array)
            {
                Visit(c, leaf);
            }
            else
            {
                leaf(c);
            }
        }
    }

    private static ServingException Bad(string what, int index, JsonElement e, string expected)
    {
        string raw = e.GetRawText();
        return ServingException.BadRequest(ServingCodes.BadData,
            $"{what}: element {index} is {RepositoryText(raw)}, expected {expected}");
    }

    private static string RepositoryText(string raw) => raw.Length <= 32 ? raw : raw[..32] + "...";

    public static readonly Encoding Utf8 = new UTF8Encoding(false, true);
}
