using System.Globalization;

namespace Axon.Runtime;

/// <summary>Parses core lists such as <c>0-3</c>, <c>0,2</c> or <c>0-1,4</c> and resolves which cores a runtime owns.</summary>
public static class CoreList
{
    /// <summary>Parses a core list: comma-separated ids or inclusive ranges. Duplicates are rejected.</summary>
    public static int[] Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new AxonException("an empty core list was given (expected ids like 0-1 or 0,2)", "AXR001");
        }
        var ids = new List<int>();
        foreach (var raw in text.Split(',', StringSplitOptions.TrimEntries))
        {
            int dash = raw.IndexOf('-', 1 < raw.Length ? 1 : 0);
            if (dash > 0)
            {
                int a = ParseId(raw[..dash], text), b = ParseId(raw[(dash + 1)..], text);
                if (b < a)
                {
                    throw new AxonException($"core range '{raw}' in '{text}' ends before it starts", "AXR001");
                }
                for (int i = a; i <= b; i++)
                {
                    ids.Add(i);
                }
            }
            else
            {
                ids.Add(ParseId(raw, text));
            }
        }
        var dup = ids.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
        {
            throw new AxonException($"core {dup.Key} appears twice in '{text}'", "AXR001");
        }
        return [.. ids];
    }

    private static int ParseId(string s, string whole)
    {
        if (!int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int v))
        {
            throw new AxonException($"'{s}' in core list '{whole}' is not a core id (expected ids like 0-1 or 0,2)", "AXR001");
        }
        return v;
    }

    /// <summary>
    /// The cores a runtime owns: the explicit list, else <c>AXON_VISIBLE_CORES</c>, else the first <c>AXON_NUM_CORES</c>,
    /// else one per processor.
    /// </summary>
    public static int[] Resolve(IReadOnlyList<int>? explicitCores, Func<string, string?>? env = null)
    {
        env ??= Environment.GetEnvironmentVariable;
        if (explicitCores is { Count: > 0 })
        {
            return Validate([.. explicitCores], "RuntimeOptions.Cores");
        }
        if (env("AXON_VISIBLE_CORES") is { Length: > 0 } visible)
        {
            return Validate(Parse(visible), "AXON_VISIBLE_CORES");
        }
        if (env("AXON_NUM_CORES") is { Length: > 0 } num)
        {
            if (!int.TryParse(num.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
            {
                throw new AxonException($"AXON_NUM_CORES='{num}' is not a positive core count", "AXR001");
            }
            return Enumerable.Range(0, n).ToArray();
        }
        return Enumerable.Range(0, Environment.ProcessorCount).ToArray();
    }

    private static int[] Validate(int[] ids, string source)
    {
        if (ids.Length == 0)
        {
            throw new AxonException($"{source} names no cores", "AXR001");
        }
        if (ids.Any(i => i < 0))
        {
            throw new AxonException($"{source} has a negative core id", "AXR001");
        }
        if (ids.Distinct().Count() != ids.Length)
        {
            throw new AxonException($"{source} names a core twice", "AXR001");
        }
        return ids;
    }
}
