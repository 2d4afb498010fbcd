using System.Text.RegularExpressions;
using Axon.Serving.Protocol;

namespace Axon.Serving.Repository;

/// <summary>
/// Names and paths inside a model repository. A model name or version that comes from a request is checked here before
/// any path is built from it, and every path is checked to stay inside the repository after symbolic links resolve.
/// </summary>
internal static partial class RepositoryPaths
{
    public const int MaxNameLength = 128;

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]*$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9]{1,9}$")]
    private static partial Regex VersionPattern();

    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= MaxNameLength } && NamePattern().IsMatch(name) && !name.Contains("..", StringComparison.Ordinal);

    public static bool IsValidVersion(string? version) => version is not null && VersionPattern().IsMatch(version) && long.Parse(version) > 0;

    public static void CheckName(string? name)
    {
        if (!IsValidName(name))
        {
            throw ServingException.BadRequest(ServingCodes.BadName,
                $"invalid model name '{Clip(name)}': use 1-{MaxNameLength} letters, digits, '_', '-' or '.', not starting with '.' or '-' and without '..'");
        }
    }

    public static void CheckVersion(string? version)
    {
        if (!IsValidVersion(version))
        {
            throw ServingException.BadRequest(ServingCodes.BadName, $"invalid model version '{Clip(version)}': versions are positive integers");
        }
    }

    /// <summary>The canonical repository root (symbolic links resolved).</summary>
    public static string CanonicalRoot(string root)
    {
        var full = Path.GetFullPath(root);
        var info = new DirectoryInfo(full);
        if (!info.Exists)
        {
            throw new DirectoryNotFoundException($"model repository '{root}' does not exist");
        }
        var target = info.LinkTarget is not null ? info.ResolveLinkTarget(true)?.FullName ?? full : full;
        return Path.TrimEndingDirectorySeparator(target);
    }

    /// <summary>True when <paramref name="path"/> (after following links) lies strictly inside <paramref name="root"/>.</summary>
    public static bool IsInside(string root, string path)
    {
        string full = Path.GetFullPath(path);
        FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
        if (info.LinkTarget is not null)
        {
            full = info.ResolveLinkTarget(true)?.FullName ?? full;
        }
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    public static string Clip(string? s) => s is null ? "" : s.Length <= 64 ? s : s[..64] + "...";
}
