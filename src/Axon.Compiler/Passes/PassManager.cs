using System.Diagnostics;
using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>One entry of a pipeline: a single pass, or a group of passes repeated until none of them changes the graph.</summary>
public abstract record PassStep
{
    public static implicit operator PassStep(PassBase pass) => new SinglePass(pass);
}

public sealed record SinglePass(IPass Pass) : PassStep;

/// <summary>Passes run in order, again and again, until a whole round changes nothing; more than <see cref="MaxIterations"/> rounds is a bug (AXC022).</summary>
public sealed record FixedPointGroup(string Name, IReadOnlyList<IPass> Passes, int MaxIterations = 8) : PassStep;

/// <summary>Base class so passes can be listed directly in a pipeline (implicit conversion to a step).</summary>
public abstract class PassBase : IPass
{
    public abstract string Name { get; }
    public abstract Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context);
}

/// <summary>Wall-clock time spent in one pass run (a pass in a fixed-point group appears once per round).</summary>
public sealed record PassTiming(string Pass, TimeSpan Elapsed, bool Changed);

/// <summary>
/// Runs a pipeline of passes over a model. It owns the order, fixed-point iteration, statistics and timing, the
/// <c>--dump-after</c> hook, and (in Debug builds, or when <see cref="Verify"/> is set) checks the graph after every pass.
/// A pass that throws is reported as <see cref="AxonCompileException"/> naming the pass and node; the input model is
/// never modified, because passes are pure and the result is a new model.
/// </summary>
public sealed class PassManager
{
    private readonly List<PassStep> _steps;

    public PassManager(IEnumerable<PassStep> steps) => _steps = steps.ToList();

    public IReadOnlyList<PassStep> Steps => _steps;

    /// <summary>Called after each pass whose name (or "all") is in the options' DumpAfter list, with the pass name and IR text.</summary>
    public Action<string, string>? Dump { get; set; }

    /// <summary>Called before each pass starts (progress display).</summary>
    public Action<string>? Progress { get; set; }

    /// <summary>Called after each pass finishes, with its timing (progress display).</summary>
    public Action<PassTiming>? Completed { get; set; }

    /// <summary>Run the graph verifier after every pass (default: on in Debug builds).</summary>
#if DEBUG
    public bool Verify { get; set; } = true;
#else
    public bool Verify { get; set; }
#endif

    public List<PassTiming> Timings { get; } = [];

    /// <summary>The statistics of the last run (pass → counter → value).</summary>
    public PassContext? LastContext { get; private set; }

    /// <summary>Optimizes <paramref name="model"/> and returns a new model (the same instance when no pass changed anything).</summary>
    public Model Run(Model model, CompileOptions? options = null)
    {
        options ??= new CompileOptions();
        var ctx = new PassContext(new Dictionary<string, long>(model.OpsetImports, StringComparer.Ordinal), options);
        LastContext = ctx;
        Timings.Clear();
        var g = model.Graph;
        foreach (var step in _steps)
        {
            switch (step)
            {
                case SinglePass s:
                    g = RunOne(s.Pass, g, ctx, out _);
                    break;
                case FixedPointGroup fp:
                    g = RunGroup(fp, g, ctx);
                    break;
            }
        }
        return ReferenceEquals(g, model.Graph) ? model : WithGraph(model, g);
    }

    private Axon.Graph.Graph RunGroup(FixedPointGroup group, Axon.Graph.Graph g, PassContext ctx)
    {
        for (int round = 0; round < group.MaxIterations; round++)
        {
            bool changed = false;
            foreach (var p in group.Passes)
            {
                g = RunOne(p, g, ctx, out bool c);
                changed |= c;
            }
            if (!changed)
            {
                return g;
            }
        }
        throw new AxonCompileException(
            $"fixed-point group '{group.Name}' did not converge within {group.MaxIterations} iterations (passes: {string.Join(", ", group.Passes.Select(p => p.Name))})",
            "AXC022", group.Name);
    }

    private Axon.Graph.Graph RunOne(IPass pass, Axon.Graph.Graph g, PassContext ctx, out bool changed)
    {
        Progress?.Invoke(pass.Name);
        ctx.CurrentNode = null;
        var sw = Stopwatch.StartNew();
        Axon.Graph.Graph result;
        try
        {
            result = pass.Run(g, ctx);
        }
        catch (AxonCompileException)
        {
            throw;
        }
        catch (Exception e)
        {
            string? node = ctx.CurrentNode?.ToString();
            throw new AxonCompileException(
                $"pass '{pass.Name}' failed{(node is null ? "" : $" at {node}")}: {e.Message}", "AXC020", pass.Name, ctx.CurrentNode?.DisplayName, e);
        }
        sw.Stop();
        changed = !ReferenceEquals(result, g);
        var timing = new PassTiming(pass.Name, sw.Elapsed, changed);
        Timings.Add(timing);
        Completed?.Invoke(timing);
        if (changed && Verify)
        {
            var problem = GraphVerifier.Check(result);
            if (problem is not null)
            {
                throw new AxonCompileException($"pass '{pass.Name}' produced an invalid graph: {problem}", "AXC021", pass.Name);
            }
        }
        if (Dump is not null && ctx.Options.DumpAfter.Any(d => d == "all" || d == pass.Name))
        {
            Dump(pass.Name, Axon.Graph.Text.IrPrinter.Print(result));
        }
        return result;
    }

    /// <summary>A new model sharing everything but the graph; the "axon" opset is imported once a fused op appears.</summary>
    internal static Model WithGraph(Model m, Axon.Graph.Graph g)
    {
        var r = new Model(g)
        {
            IrVersion = m.IrVersion,
            ProducerName = m.ProducerName,
            ProducerVersion = m.ProducerVersion,
            Domain = m.Domain,
            ModelVersion = m.ModelVersion,
            DocString = m.DocString,
        };
        r.OpsetImports.Clear();
        foreach (var kv in m.OpsetImports)
        {
            r.OpsetImports[kv.Key] = kv.Value;
        }
        foreach (var kv in m.Metadata)
        {
            r.Metadata[kv.Key] = kv.Value;
        }
        r.Functions.AddRange(m.Functions);
        if (g.Nodes.Any(n => n.Domain == Rewrite.FusedDomain))
        {
            r.OpsetImports.TryAdd(Rewrite.FusedDomain, 1);
        }
        return r;
    }
}
