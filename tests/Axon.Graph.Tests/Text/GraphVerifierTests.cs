using Axon.Graph.Analysis;
using Axon.Graph.Text;

namespace Axon.Graph.Tests.Text;

public sealed class GraphVerifierTests
{
    private static IReadOnlyList<GraphProblem> Verify(string text) => GraphVerifier.Verify(IrParser.ParseModel(text));

    [Fact]
    public void CleanGraphHasNoProblems()
    {
        Assert.Empty(Verify("graph g(%x: f32[2,3]) -> (%y: ?) {\n  %h = Relu(%x)\n  %y = Mystery(%h)\n}"));
    }

    [Fact]
    public void FindsOrderingAndDefinitionProblems()
    {
        var p = Verify("""
            graph g(%x: f32[2]) -> (%y: ?, %z: ?) {
              %a = Relu(%b)
              %b = Relu(%x)
              %b = Neg(%x)
              %c = Relu(%nowhere)
              %y = Identity(%a)
            }
            """);
        Assert.Contains(p, q => q.Code == GraphProblem.UsedBeforeProduced && q.Message.Contains("'b'"));
        Assert.Contains(p, q => q.Code == GraphProblem.ProducedTwice && q.Message.Contains("'b'"));
        Assert.Contains(p, q => q.Code == GraphProblem.Undefined && q.Message.Contains("'nowhere'"));
        Assert.Contains(p, q => q.Code == GraphProblem.DanglingOutput && q.Message.Contains("'z'"));
    }

    [Fact]
    public void FindsWrongAttributeKindsAndRankMismatches()
    {
        var p = Verify("""
            graph g(%x: f32[2,3], %w: f32[4,5]) -> (%y: ?) {
              %t = Transpose(%x) {perm=2}
              %y = MatMul(%x, %w)
            }
            """);
        Assert.Contains(p, q => q.Code == GraphProblem.AttributeKind && q.Message.Contains("perm"));
        Assert.Contains(p, q => q.Code == GraphProblem.Inference && q.Message.Contains("inner dimensions 3 and 4"));
    }

    [Fact]
    public void SubgraphsMayReadOuterValues()
    {
        Assert.Empty(Verify("""
            graph g(%c: bool[], %a: f32[2]) -> (%y: ?) {
              %n = Neg(%a)
              %y = If(%c) {else_branch=graph e() -> (%eo: ?) {
                %eo = Relu(%n)
              }, then_branch=graph t() -> (%to: ?) {
                %to = Relu(%a)
              }}
            }
            """));
    }
}
