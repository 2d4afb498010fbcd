namespace Axon.Serving.Protocol;

/// <summary>The protocol's datatype names (<c>FP32</c>, <c>INT64</c>, <c>BYTES</c>, ...) and Axon's <see cref="DType"/>.</summary>
internal static class Datatypes
{
    private static readonly Dictionary<string, DType> ByName = new(StringComparer.Ordinal)
    {
        ["BOOL"] = DType.Bool,
        ["UINT8"] = DType.UInt8,
        ["UINT16"] = DType.UInt16,
        ["UINT32"] = DType.UInt32,
        ["UINT64"] = DType.UInt64,
        ["INT8"] = DType.Int8,
        ["INT16"] = DType.Int16,
        ["INT32"] = DType.Int32,
        ["INT64"] = DType.Int64,
        ["FP16"] = DType.Float16,
        ["BF16"] = DType.BFloat16,
        ["FP32"] = DType.Float32,
        ["FP64"] = DType.Float64,
        ["BYTES"] = DType.String,
    };

    public static bool TryParse(string? name, out DType dtype)
    {
        dtype = DType.Undefined;
        return name is not null && ByName.TryGetValue(name, out dtype);
    }

    public static DType Parse(string? name, string what) => TryParse(name, out var d)
        ? d
        : throw ServingException.BadRequest(ServingCodes.BadDatatype,
            $"{what}: unknown datatype '{name}' (one of {string.Join(", ", ByName.Keys)})");

    public static string Name(DType t) => t switch
    {
        DType.Bool => "BOOL",
        DType.UInt8 => "UINT8",
        DType.UInt16 => "UINT16",
        DType.UInt32 => "UINT32",
        DType.UInt64 => "UINT64",
        DType.Int8 => "INT8",
        DType.Int16 => "INT16",
        DType.Int32 => "INT32",
        DType.Int64 => "INT64",
        DType.Float16 => "FP16",
        DType.BFloat16 => "BF16",
        DType.Float32 => "FP32",
        DType.Float64 => "FP64",
        DType.String => "BYTES",
        _ => "INVALID",
    };

    public static bool IsServable(DType t) => Name(t) != "INVALID";
}
