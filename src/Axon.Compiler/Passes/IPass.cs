using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// A compiler pass: a pure function from graph to graph. It never mutates its input and returns the same instance when
/// nothing changed, so the pass manager can detect fixed points, diff for <c>--dump-after</c>, and property tests can
/// compare before and after.
/// </summary>
public interface IPass
{
    /// <summary>Stable kebab-case name used by <c>--dump-after</c> and statistics (e.g. <c>fold-conv-bn</c>).</summary>
    string Name { get; }

    Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context);
}

/// <summary>What a pass may consult: the model's opsets, the compile options, and a place to count what it did.</summary>
public sealed class PassContext
{
    public PassContext(IReadOnlyDictionary<string, long> opsetImports, CompileOptions options)
    {
        OpsetImports = opsetImports;
        Options = options;
    }

    public IReadOnlyDictionary<string, long> OpsetImports { get; }
    public CompileOptions Options { get; }

    /// <summary>Counters per pass ("fold-conv-bn" → {"folded": 53}); the pass manager prints them with --print-pass-stats.</summary>
    public Dictionary<string, Dictionary<string, int>> Stats { get; } = new(StringComparer.Ordinal);

    public long Opset(string domain = "") => OpsetImports.TryGetValue(domain, out long v) ? v : 0;

    /// <summary>The node a pass is looking at; passes set it so a failure can name the node (see PassManager).</summary>
    public Node? CurrentNode { get; set; }

    public void Count(string pass, string what, int n = 1)
    {
        if (!Stats.TryGetValue(pass, out var d))
        {
            Stats[pass] = d = new Dictionary<string, int>(StringComparer.Ordinal);
        }
        d[what] = d.GetValueOrDefault(what) + n;
    }
}
