using Axon.Onnx.Wire;

namespace Axon.Onnx.Import;

/// <summary>
/// Reads tensor data stored beside the model (<c>data_location = EXTERNAL</c>). Paths must be relative and stay inside
/// the model's folder: absolute paths, <c>..</c> escapes and symlinks (of the file or any folder on the way) that leave
/// the folder are rejected.
/// </summary>
internal sealed class ExternalDataResolver
{
    private const int MaxLinkHops = 40;
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
        string root = WithSlash(_baseDir);
        string full = Path.GetFullPath(Path.Combine(_baseDir, location));
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            throw new AxonModelException($"{label}: external data path '{location}' leaves the model's folder", "AXON141");
        }
        // Links are judged by where they finally lead: compare real paths (the model folder itself may sit under a link).
        string? real = RealPath(full);
        string? realRoot = RealPath(_baseDir);
        if (real is null || realRoot is null || !real.StartsWith(WithSlash(realRoot), StringComparison.Ordinal))
        {
            throw new AxonModelException($"{label}: external data path '{location}' goes through a link that leaves the model's folder", "AXON141");
        }
        var info = new FileInfo(real);
        if (!info.Exists)
        {
            throw new AxonModelException($"{label}: external data file '{location}' does not exist", "AXON142");
        }
        long fileLength = info.Length;
        if (offset > fileLength)
        {
            throw new AxonModelException($"{label}: external data offset {offset} is past the end of '{location}' ({fileLength} bytes)", "AXON143");
        }
        if (length < 0)
        {
            length = fileLength - offset;
        }
        if (length != expectedLength)
        {
            throw new AxonModelException($"{label}: external data holds {length} bytes, the tensor needs {expectedLength}", "AXON143");
        }
        // Written as a subtraction so a hostile offset near long.MaxValue cannot overflow the check.
        if (length > fileLength - offset)
        {
            throw new AxonModelException($"{label}: external data range {offset}+{length} exceeds file '{location}' ({fileLength} bytes)", "AXON143");
        }
        if (length > Array.MaxLength)
        {
            throw new AxonUnsupportedException($"{label}: external data of {length} bytes exceeds the largest supported tensor");
        }
        if (length == 0)
        {
            return [];
        }
        try
        {
            var buf = new byte[length];
            using var fs = new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.Read);
            fs.Seek(offset, SeekOrigin.Begin);
            fs.ReadExactly(buf);
            return buf;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AxonModelException($"{label}: cannot read external data file '{location}': {e.Message}", "AXON142", e);
        }
    }

    private static string WithSlash(string dir) => dir.EndsWith(Path.DirectorySeparatorChar) ? dir : dir + Path.DirectorySeparatorChar;

    /// <summary>
    /// The path with every symbolic link resolved, component by component (a missing tail is kept as is); null when
    /// links nest too deep or loop.
    /// </summary>
    internal static string? RealPath(string fullPath)
    {
        var pending = new Stack<string>(fullPath.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        string current = Path.GetPathRoot(fullPath) ?? "/";
        int hops = 0;
        while (pending.Count > 0)
        {
            string part = pending.Pop();
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            string next = Path.Combine(current, part);
            FileSystemInfo fi = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            string? target = fi.Exists || fi.LinkTarget is not null ? fi.LinkTarget : null;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++hops > MaxLinkHops)
            {
                return null;
            }
            // Resolve the link's target relative to the folder holding the link, then walk its parts.
            string resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
            var parts = resolved.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            for (int i = parts.Length - 1; i >= 0; i--)
            {
                pending.Push(parts[i]);
            }
            current = Path.GetPathRoot(resolved) ?? "/";
        }
        return current;
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
