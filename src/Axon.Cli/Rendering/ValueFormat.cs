using System.Globalization;
using System.Text;

namespace Axon.Cli.Rendering;

/// <summary>How the CLI prints values: shapes, dtypes, short previews, byte and FLOP counts, and file-safe names.</summary>
internal static class ValueFormat
{
    public const int PreviewCount = 8;

    public static string Shape(IReadOnlyList<int> shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>The first few elements, e.g. <c>[1, 2.5, -3, ... (60 values)]</c>.</summary>
    public static string Preview(Tensor t)
    {
        int n = Math.Min(t.Length, PreviewCount);
        var items = new List<string>(n);
        if (t.DType == DType.String)
        {
            for (int i = 0; i < n; i++)
            {
                items.Add("\"" + Truncate(t.Strings[i], 24) + "\"");
            }
        }
        else if (t.DType == DType.Bool)
        {
            var b = t.Span<bool>();
            for (int i = 0; i < n; i++)
            {
                items.Add(b[i] ? "true" : "false");
            }
        }
        else if (t.DType.IsInteger())
        {
            var v = t.Reshape(t.Length).SliceOuter(0, n).ToInt64s();
            items.AddRange(v.Select(x => t.DType == DType.UInt64 ? ((ulong)x).ToString(CultureInfo.InvariantCulture) : x.ToString(CultureInfo.InvariantCulture)));
        }
        else
        {
            var v = t.Reshape(t.Length).SliceOuter(0, n).ToDoubles();
            items.AddRange(v.Select(x => x.ToString("G6", CultureInfo.InvariantCulture)));
        }
        string tail = t.Length > n ? $", ... ({t.Length} values)" : "";
        return "[" + string.Join(", ", items) + tail + "]";
    }

    /// <summary>A one-line description of any value: <c>float [2,3] [1, 2, ...]</c>, or a sequence/optional summary.</summary>
    public static string Describe(IValue? v) => v switch
    {
        null => "(none)",
        Tensor t => $"{t.DType.OnnxName()} {Shape(t.Shape)} {Preview(t)}",
        TensorSequence s => $"sequence of {s.Items.Count} {s.ElementType.OnnxName()} tensors",
        OptionalValue o => o.HasValue ? $"optional: {Describe(o.Value)}" : "optional (empty)",
        _ => v.ToString() ?? "?",
    };

    public static string Bytes(long n)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double v = n;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }
        return u == 0 ? $"{n} B" : $"{v.ToString("0.##", CultureInfo.InvariantCulture)} {units[u]}";
    }

    /// <summary>A count with an SI prefix on <paramref name="unit"/>: <c>450 FLOPs</c>, <c>1.23 GFLOPs</c>.</summary>
    public static string Si(double n, string unit)
    {
        string[] prefixes = ["", "K", "M", "G", "T", "P", "E"];
        int u = 0;
        while (Math.Abs(n) >= 1000 && u < prefixes.Length - 1)
        {
            n /= 1000;
            u++;
        }
        return n.ToString(u == 0 ? "0" : "0.##", CultureInfo.InvariantCulture) + " " + prefixes[u] + unit;
    }

    /// <summary>
    /// Turns a graph value name (which may hold '/', ':', '..' or be empty) into a file name that stays inside the output
    /// folder. Names already used (case-insensitively, for case-insensitive file systems) get a numeric suffix.
    /// </summary>
    public static string SafeFileName(string name, ISet<string> used)
    {
        var sb = new StringBuilder();
        foreach (char c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        }
        string s = sb.ToString().Trim('.');
        if (s.Length == 0)
        {
            s = "output";
        }
        if (s.Length > 100)
        {
            s = s[..100];
        }
        string candidate = s;
        for (int k = 2; !used.Add(candidate.ToLowerInvariant()); k++)
        {
            candidate = $"{s}_{k}";
        }
        return candidate;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "...";
}
