using Axon.Compiler.Passes;
using Axon.Compiler.Tests.Support;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

public class PassManagerTests
{
    /// <summary>y = Relu(Identity(x)).</summary>
    private static Model Small()
    {
        var g = new Axon.Graph.Graph();
        g.Inputs.Add(F32("x", 2, 3));
        g.Outputs.Add(F32("y", 2, 3));
        g.Nodes.Add(N("Identity", ["x"], "t"));
        g.Nodes.Add(N("Relu", ["t"], "y"));
        return Model(g);
    }

    private sealed class AlwaysChanges : PassBase
    {
        public override string Name => "always-changes";
        public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context) => graph.Clone();
    }

    private sealed class Throws : PassBase
    {
        public override string Name => "throws";
        public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
        {
            context.CurrentNode = graph.Nodes[1];
            throw new InvalidOperationException("boom");
        }
    }

    private sealed class BreaksGraph : PassBase
    {
        public override string Name => "breaks-graph";
        public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
        {
            var g = graph.Clone();
            g.Nodes.RemoveAt(0);
            return g;
        }
    }

    [Fact]
    public void FixedPointGroupThatNeverSettlesThrowsNamingTheGroup()
    {
        var pm = new PassManager([new FixedPointGroup("spin", [new AlwaysChanges()], MaxIterations: 3)]);
        var e = Assert.Throws<AxonCompileException>(() => pm.Run(Small()));
        Assert.Equal("AXC022", e.Code);
        Assert.Contains("'spin'", e.Message);
        Assert.Equal(3, pm.Timings.Count);
    }

    [Fact]
    public void FixedPointGroupStopsWhenARoundChangesNothing()
    {
        var pm = new PassManager([Pipelines.Steps(1).OfType<FixedPointGroup>().First()]);
        var m = Small();
        var r = pm.Run(m);
        Assert.Equal(["Relu"], Ops(r));
        // Round 1 removes the Identity; round 2 changes nothing and ends the group.
        Assert.Equal(8, pm.Timings.Count);
        Assert.Equal(["Identity", "Relu"], Ops(m)); // the input model is untouched
        SameOutputs(m, r);
    }

    [Fact]
    public void FailureInsideAPassNamesPassAndNode()
    {
        var m = Small();
        var nodes = m.Graph.Nodes.ToList();
        var e = Assert.Throws<AxonCompileException>(() => new PassManager([new SinglePass(new Throws())]).Run(m));
        Assert.Equal("AXC020", e.Code);
        Assert.Equal("throws", e.Pass);
        Assert.Equal("y", e.NodeName);
        Assert.Contains("pass 'throws' failed at node 'y' (Relu): boom", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Equal(nodes, m.Graph.Nodes); // the original model is untouched
    }

    [Fact]
    public void VerifierRejectsAGraphWithAnUndefinedInput()
    {
        var pm = new PassManager([new SinglePass(new BreaksGraph())]) { Verify = true };
        var e = Assert.Throws<AxonCompileException>(() => pm.Run(Small()));
        Assert.Equal("AXC021", e.Code);
        Assert.Contains("reads 't'", e.Message);
    }

    [Fact]
    public void DumpAfterReceivesPassNameAndIrText()
    {
        var dumps = new List<(string, string)>();
        var pm = new PassManager([new SinglePass(new RemoveNoOps()), new SinglePass(new DeadCodeElimination())]) { Dump = (p, t) => dumps.Add((p, t)) };
        pm.Run(Small(), new CompileOptions { DumpAfter = ["remove-noops"] });
        var (name, text) = Assert.Single(dumps);
        Assert.Equal("remove-noops", name);
        Assert.Contains("%y = Relu(%x)", text);
        Assert.DoesNotContain("Identity", text);
    }

    [Fact]
    public void StatisticsAndTimingsAreRecorded()
    {
        var pm = Pipelines.For(1);
        pm.Run(Small());
        Assert.Equal(1, pm.LastContext!.Stats["remove-noops"]["identity-removed"]);
        Assert.Contains(pm.Timings, t => t.Pass == "remove-noops" && t.Changed);
    }

    [Fact]
    public void O0ReturnsTheSameModel()
    {
        var m = Small();
        Assert.Same(m, Pipelines.For(0).Run(m));
    }
}
