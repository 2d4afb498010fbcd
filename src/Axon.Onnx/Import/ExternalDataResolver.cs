using Axon.Onnx.Wire;

namespace Axon.Onnx.Import;

/// <summary>
/// Reads tensor data stored beside the model (<c>data_location = EXTERNAL</c>). Paths must be relative and stay inside
/// the model's folder: absolute paths, <c>..</c> escapes and symlinks that leave the folder are rejected.
/// </summary>
internal sealed class ExternalDataResolver
{
    private readonly string _baseDir;

    public ExternalDataResolver(string baseDir) => _baseDir = Path.GetFullPath(baseDir);

    public byte[] Read(TensorProto p, string label, long expectedLength)
    {
        string? location = null;
        long offset = 0;
        long length = -1;
        foreach (var kv in p.ExternalData)
        {
            switch (kv.Key)
            {
                case "location":
                    location = kv.Value;
                    break;
                case "offset":
                    offset = ParseNonNegative(kv.Value, "offset", label);
                    break;
                case "length":
                    length = ParseNonNegative(kv.Value, "length", label);
                    break;
            }
        }
        if (string.IsNullOrEmpty(location))
        {
            throw new AxonModelException($"{label}: external data has no location", "AXON140");
        }
        if (Path.IsPathRooted(location) || location.Contains('\0'))
        {
            throw new AxonModelException($"{label}: external data path '{location}' is absolute; it must be relative to the model's folder", "AXON141");
        }
        string full = Path.GetFullPath(Path.Combine(_baseDir, location));
        string root = _baseDir.EndsWith(Path.DirectorySeparatorChar) ? _baseDir : _baseDir + Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            throw new AxonModelException($"{label}: external data path '{location}' leaves the model's folder", "AXON141");
        }
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            throw new AxonModelException($"{label}: external data file '{location}' does not exist", "AXON142");
        }
        if (info.LinkTarget is not null)
        {
            var target = info.ResolveLinkTarget(returnFinalTarget: true);
            if (target is null || !Path.GetFullPath(target.FullName).StartsWith(root, StringComparison.Ordinal))
            {
                throw new AxonModelException($"{label}: external data file '{location}' is a link that leaves the model's folder", "AXON141");
            }
        }
        if (length < 0)
        {
            length = info.Length - offset;
        }
        if (length != expectedLength)
        {
            throw new AxonModelException($"{label}: external data holds {length} bytes, the tensor needs {expectedLength}", "AXON143");
        }
        if (offset + length > info.Length)
        {
            throw new AxonModelException($"{label}: external data range {offset}+{length} exceeds file '{location}' ({info.Length} bytes)", "AXON143");
        }
        var buf = new byte[length];
        using var fs = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read);
        fs.Seek(offset, SeekOrigin.Begin);
        fs.ReadExactly(buf);
        return buf;
    }

    private static long ParseNonNegative(string s, string key, string label)
    {
        if (!long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long v))
        {
            throw new AxonModelException($"{label}: external data {key} '{s}' is not a non-negative integer", "AXON140");
        }
        return v;
    }
}
