using System.Xml.Linq;

namespace Axon.Architecture.Tests;

/// <summary>
/// Keeps the dependency graph of <c>src/</c> as docs/architecture.md draws it. A new project must be added to
/// <see cref="Allowed"/> before it builds green; a new edge must be added deliberately, never picked up by accident.
/// </summary>
public class ProjectReferenceTests
{
    /// <summary>Project -> the projects it may reference directly. Transitive dependencies must be listed to be referenced.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["Axon.Core"] = [],
        ["Axon.Graph"] = ["Axon.Core"],
        ["Axon.Onnx"] = ["Axon.Graph", "Axon.Core"],
        ["Axon.Kernels"] = ["Axon.Core"],
        ["Axon.Compiler"] = ["Axon.Graph", "Axon.Kernels", "Axon.Core"],
        ["Axon.Runtime"] = ["Axon.Compiler", "Axon.Kernels", "Axon.Onnx", "Axon.Graph", "Axon.Core"],
        ["Axon.Training"] = ["Axon.Runtime", "Axon.Graph", "Axon.Onnx", "Axon.Compiler", "Axon.Kernels", "Axon.Core"],
        ["Axon.Targets"] = ["Axon.Compiler", "Axon.Graph", "Axon.Core"],
        ["Axon.Serving"] = ["Axon.Runtime", "Axon.Compiler", "Axon.Kernels", "Axon.Onnx", "Axon.Graph", "Axon.Core"],
        ["Axon.Cli"] = ["*"],
    };

    /// <summary>Packages no shipped project may use: ONNX Runtime is only a peer in bench/, never a dependency.</summary>
    private static readonly string[] ForbiddenPackagePrefixes = ["Microsoft.ML.OnnxRuntime"];

    private sealed record ProjectInfo(string Name, string Path, List<string> ProjectRefs, List<string> PackageRefs);

    private static string RepoRoot => Axon.Testing.TestPaths.RepoRoot;

    private static List<ProjectInfo> SrcProjects()
    {
        string src = Path.Combine(RepoRoot, "src");
        var list = new List<ProjectInfo>();
        foreach (string file in Directory.EnumerateFiles(src, "*.csproj", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") || file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            {
                continue;
            }
            var doc = XDocument.Load(file);
            var items = doc.Descendants().Where(e => e.Name.LocalName is "ProjectReference" or "PackageReference").ToList();
            list.Add(new ProjectInfo(
                Path.GetFileNameWithoutExtension(file),
                Path.GetRelativePath(RepoRoot, file),
                items.Where(e => e.Name.LocalName == "ProjectReference")
                    .Select(e => Path.GetFileNameWithoutExtension(((string?)e.Attribute("Include") ?? "").Replace('\\', '/')))
                    .ToList(),
                items.Where(e => e.Name.LocalName == "PackageReference")
                    .Select(e => (string?)e.Attribute("Include") ?? (string?)e.Attribute("Update") ?? "")
                    .ToList()));
        }
        return list;
    }

    /// <summary>Every violation of the table by one project's references (empty when it conforms).</summary>
    public static List<string> Violations(string project, IEnumerable<string> projectRefs, IEnumerable<string> packageRefs)
    {
        var v = new List<string>();
        if (!Allowed.TryGetValue(project, out var allowed))
        {
            v.Add($"{project} is not in the architecture table: add it to ProjectReferenceTests.Allowed and docs/architecture.md");
            return v;
        }
        foreach (string r in projectRefs)
        {
            bool ok = allowed.Contains("*") ? Allowed.ContainsKey(r) : allowed.Contains(r);
            if (!ok)
            {
                v.Add($"{project} -> {r} is not an allowed dependency (allowed: {(allowed.Length == 0 ? "nothing" : string.Join(", ", allowed))})");
            }
        }
        foreach (string p in packageRefs)
        {
            if (ForbiddenPackagePrefixes.Any(f => p.StartsWith(f, StringComparison.OrdinalIgnoreCase)))
            {
                v.Add($"{project} references the package {p}, which src/ must never depend on");
            }
        }
        return v;
    }

    [Fact]
    public void SrcHasProjects()
    {
        var names = SrcProjects().Select(p => p.Name).ToList();
        Assert.Contains("Axon.Core", names);
        Assert.Contains("Axon.Cli", names);
    }

    [Fact]
    public void EverySrcProjectIsInTheTable()
    {
        var unknown = SrcProjects().Where(p => !Allowed.ContainsKey(p.Name)).Select(p => p.Path).ToList();
        Assert.True(unknown.Count == 0, "projects missing from the architecture table: " + string.Join(", ", unknown));
    }

    [Fact]
    public void ProjectReferencesFollowTheTable()
    {
        var all = SrcProjects().SelectMany(p => Violations(p.Name, p.ProjectRefs, [])).ToList();
        Assert.True(all.Count == 0, string.Join(Environment.NewLine, all));
    }

    [Fact]
    public void NoSrcProjectUsesOnnxRuntime()
    {
        var all = SrcProjects().SelectMany(p => Violations(p.Name, [], p.PackageRefs)).ToList();
        Assert.True(all.Count == 0, string.Join(Environment.NewLine, all));
    }

    [Theory]
    [InlineData("Axon.Core", "Axon.Graph", "")]
    [InlineData("Axon.Kernels", "Axon.Graph", "")]
    [InlineData("Axon.Graph", "Axon.Onnx", "")]
    [InlineData("Axon.Targets", "Axon.Runtime", "")]
    [InlineData("Axon.Serving", "Axon.Training", "")]
    [InlineData("Axon.Compiler", "Axon.Onnx", "")]
    [InlineData("Axon.Cli", "Axon.Tests.Helpers", "")]
    [InlineData("Axon.Runtime", "", "Microsoft.ML.OnnxRuntime")]
    [InlineData("Axon.Cli", "", "Microsoft.ML.OnnxRuntime.Gpu")]
    [InlineData("Axon.Newcomer", "", "")]
    public void TheCheckerRejectsForbiddenEdges(string project, string projectRef, string packageRef)
    {
        var v = Violations(project, projectRef.Length > 0 ? [projectRef] : [], packageRef.Length > 0 ? [packageRef] : []);
        Assert.NotEmpty(v);
    }

    [Theory]
    [InlineData("Axon.Onnx", "Axon.Core")]
    [InlineData("Axon.Training", "Axon.Runtime")]
    [InlineData("Axon.Serving", "Axon.Onnx")]
    [InlineData("Axon.Cli", "Axon.Serving")]
    public void TheCheckerAcceptsAllowedEdges(string project, string projectRef)
    {
        Assert.Empty(Violations(project, [projectRef], ["Google.Protobuf"]));
    }
}
