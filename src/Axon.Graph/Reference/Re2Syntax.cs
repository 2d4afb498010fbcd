using System.Text;

namespace Axon.Graph.Reference;

/// <summary>
/// Rewrites the RE2 constructs that .NET regex reads differently: Python-style named groups (?P&lt;name&gt;…), POSIX
/// bracket classes ([[:alpha:]]), and the ASCII-only meaning RE2 gives to \d, \w and \s (.NET's are Unicode-wide).
/// </summary>
internal static class Re2Syntax
{
    private static readonly Dictionary<string, string> Posix = new(StringComparer.Ordinal)
    {
        ["alnum"] = "0-9A-Za-z",
        ["alpha"] = "A-Za-z",
        ["ascii"] = "\\x00-\\x7F",
        ["blank"] = "\\t ",
        ["cntrl"] = "\\x00-\\x1F\\x7F",
        ["digit"] = "0-9",
        ["graph"] = "!-~",
        ["lower"] = "a-z",
        ["print"] = " -~",
        ["punct"] = "!-/:-@\\[-`{-~",
        ["space"] = "\\t\\n\\v\\f\\r ",
        ["upper"] = "A-Z",
        ["word"] = "0-9A-Za-z_",
        ["xdigit"] = "0-9A-Fa-f",
    };

    private static readonly Dictionary<char, string> AsciiClasses = new()
    {
        ['d'] = "0-9",
        ['w'] = "0-9A-Za-z_",
        ['s'] = "\\t\\n\\f\\r ",
    };

    public static string ToDotNet(string pattern)
    {
        var sb = new StringBuilder();
        bool inClass = false;
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                char e = pattern[i + 1];
                if (AsciiClasses.TryGetValue(e, out var body))
                {
                    sb.Append(inClass ? body : "[" + body + "]");
                }
                else if (!inClass && AsciiClasses.TryGetValue(char.ToLowerInvariant(e), out var negated))
                {
                    sb.Append("[^" + negated + "]");
                }
                else
                {
                    sb.Append(c).Append(e);
                }
                i++;
                continue;
            }
            if (inClass && c == '[' && i + 1 < pattern.Length && pattern[i + 1] == ':')
            {
                int end = pattern.IndexOf(":]", i + 2, StringComparison.Ordinal);
                if (end > 0 && Posix.TryGetValue(pattern[(i + 2)..end], out var set))
                {
                    sb.Append(set);
                    i = end + 1;
                    continue;
                }
            }
            if (!inClass && c == '(' && string.CompareOrdinal(pattern, i, "(?P<", 0, 4) == 0)
            {
                sb.Append("(?<");
                i += 3;
                continue;
            }
            if (!inClass && c == '[')
            {
                inClass = true;
                sb.Append(c);
                // A ']' right after '[' or '[^' is a literal member, not the end of the class.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    sb.Append('^');
                    i++;
                }
                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    sb.Append("\\]");
                    i++;
                }
                continue;
            }
            if (inClass && c == ']')
            {
                inClass = false;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }
}
