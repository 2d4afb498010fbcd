namespace Axon.Graph.Tests.Schemas;

public sealed class BroadcastInferenceTests
{
    [Theory]
    [InlineData("f32[batch,1,4]", "f32[3,1]", "f32[batch,3,4]")]
    [InlineData("f32[batch,seq]", "f32[batch,seq]", "f32[batch,seq]")]
    [InlineData("f32[batch]", "f32[seq]", "f32[?]")]
    [InlineData("f32[?,4]", "f32[5,4]", "f32[5,4]")]
    [InlineData("f32[*]", "f32[2]", "f32[*]")]
    [InlineData("f32[]", "f32[2,3]", "f32[2,3]")]
    public void SymbolicBroadcasting(string a, string b, string expected)
    {
        var text = $"graph g(%a: {a}, %b: {b}) -> (%y: ?) {{\n  %y = Add(%a, %b)\n}}";
        Assert.Equal(expected, SchemaTestUtil.TypeText(text, "y"));
    }

    [Fact]
    public void ClashingSizesAreAProblemNotAnException()
    {
        var r = SchemaTestUtil.Infer("graph g(%a: f32[2,3], %b: f32[4]) -> (%y: ?) {\n  %y = Mul(%a, %b)\n}");
        Assert.Equal(TypeKind.Unknown, r.TypeOf("y").Kind);
        Assert.Contains(r.Problems, p => p.Contains("cannot broadcast"));
    }

    [Fact]
    public void ComparisonsGiveBoolAndWhereTakesXType()
    {
        var text = "graph g(%a: f16[2,1], %b: f16[3]) -> (%y: ?) {\n  %c = Less(%a, %b)\n  %y = Where(%c, %a, %b)\n}";
        var r = SchemaTestUtil.Infer(text);
        Assert.Equal("bool[2,3]", r.TypeOf("c").ToString());
        Assert.Equal("f16[2,3]", r.TypeOf("y").ToString());
    }

    [Fact]
    public void UnknownOpGivesUnknownOutputs()
    {
        var r = SchemaTestUtil.Infer("graph g(%a: f32[2]) -> (%y: ?) {\n  %y = com.example::Mystery(%a)\n  %z = Relu(%y)\n}");
        Assert.Equal(TypeKind.Unknown, r.TypeOf("y").Kind);
        Assert.Equal(TypeKind.Unknown, r.TypeOf("z").Kind);
        Assert.Contains("com.example:Mystery", r.Unscheduled);
    }
}
