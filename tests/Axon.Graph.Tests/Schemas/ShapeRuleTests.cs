namespace Axon.Graph.Tests.Schemas;

public sealed class ShapeRuleTests
{
    private static string Y(string inputs, string body, string value = "y") =>
        SchemaTestUtil.TypeText($"opset ai.onnx=21\ngraph g({inputs}) -> (%y: ?) {{\n{body}\n}}", value);

    [Fact]
    public void MatMulBatchesAndVectors()
    {
        Assert.Equal("f32[batch,12,seq,seq]", Y("%q: f32[batch,12,seq,64], %k: f32[batch,12,64,seq]", "%y = MatMul(%q, %k)"));
        Assert.Equal("f32[3]", Y("%a: f32[3,4], %b: f32[4]", "%y = MatMul(%a, %b)"));
        Assert.Equal("f32[2,5]", Y("%a: f32[4], %b: f32[2,4,5]", "%y = MatMul(%a, %b)"));
    }

    [Fact]
    public void GemmHonoursTranspose()
    {
        Assert.Equal("f32[batch,10]", Y("%a: f32[batch,784], %b: f32[10,784], %c: f32[10]", "%y = Gemm(%a, %b, %c) {transB=1}"));
    }

    [Fact]
    public void ConvAndPoolGeometry()
    {
        Assert.Equal("f32[batch,64,112,112]",
            Y("%x: f32[batch,3,224,224], %w: f32[64,3,7,7]", "%y = Conv(%x, %w) {pads=[3,3,3,3], strides=[2,2]}"));
        Assert.Equal("f32[1,8,h,w]", Y("%x: f32[1,4,h,w], %w: f32[8,4,3,3]", "%y = Conv(%x, %w) {pads=[1,1,1,1]}"));
        Assert.Equal("f32[1,8,3,3]", Y("%x: f32[1,8,5,5]", "%y = MaxPool(%x) {ceil_mode=1, kernel_shape=[2,2], strides=[2,2]}"));
        Assert.Equal("f32[1,8,2,2]", Y("%x: f32[1,8,5,5]", "%y = AveragePool(%x) {kernel_shape=[2,2], strides=[2,2]}"));
        Assert.Equal("f32[1,8,3,3]", Y("%x: f32[1,8,5,5]", "%y = MaxPool(%x) {auto_pad=\"SAME_UPPER\", kernel_shape=[3,3], strides=[2,2]}"));
        Assert.Equal("f32[1,4,10,10]", Y("%x: f32[1,8,5,5], %w: f32[8,4,2,2]", "%y = ConvTranspose(%x, %w) {strides=[2,2]}"));
        Assert.Equal("f32[n,8,1,1]", Y("%x: f32[n,8,5,5]", "%y = GlobalAveragePool(%x)"));
    }

    [Fact]
    public void ReshapeKeepsSymbolsThroughShapeArithmetic()
    {
        // Reshape(x, Concat(Shape(x)[0:2], [12, 64])) - the usual attention head split.
        const string body = """
              %s = Shape(%x)
              %st = const i64[1] [0]
              %en = const i64[1] [2]
              %heads = const i64[2] [12,64]
              %bs = Slice(%s, %st, %en)
              %shape = Concat(%bs, %heads) {axis=0}
              %y = Reshape(%x, %shape)
            """;
        Assert.Equal("f32[batch,seq,12,64]", Y("%x: f32[batch,seq,768]", body));
        Assert.Equal("f32[batch*seq,768]", Y("%x: f32[batch,seq,768]", "  %s = const i64[2] [-1,768]\n  %y = Reshape(%x, %s)"));
        Assert.Equal("f32[batch,seq,768]", Y("%x: f32[batch,seq,12,64]", "  %s = const i64[3] [0,0,-1]\n  %y = Reshape(%x, %s)"));
    }

    [Fact]
    public void FlattenMakesProductSymbols()
    {
        Assert.Equal("f32[batch,48]", Y("%x: f32[batch,3,4,4]", "%y = Flatten(%x)"));
        Assert.Equal("f32[1,48*batch]", Y("%x: f32[batch,3,4,4]", "%y = Flatten(%x) {axis=0}"));
    }

    [Fact]
    public void AxesMovedFromAttributesToInputs()
    {
        Assert.Equal("f32[3,4]", SchemaTestUtil.TypeText("opset ai.onnx=11\ngraph g(%x: f32[3,1,4]) -> (%y: ?) {\n%y = Squeeze(%x) {axes=[1]}\n}", "y"));
        Assert.Equal("f32[3,4]", Y("%x: f32[3,1,4]", "  %a = const i64[1] [1]\n  %y = Squeeze(%x, %a)"));
        Assert.Equal("f32[1,3,1]", Y("%x: f32[3]", "  %a = const i64[2] [0,-1]\n  %y = Unsqueeze(%x, %a)"));
        Assert.Equal("f32[3,1]", SchemaTestUtil.TypeText("opset ai.onnx=13\ngraph g(%x: f32[3,4]) -> (%y: ?) {\n%y = ReduceMean(%x) {axes=[1]}\n}", "y"));
        Assert.Equal("f32[3]", Y("%x: f32[3,4]", "  %a = const i64[1] [1]\n  %y = ReduceMean(%x, %a) {keepdims=0}"));
        Assert.Equal("f32[1,1]", Y("%x: f32[3,4]", "%y = ReduceSum(%x)"));
    }

    [Fact]
    public void SliceGatherConcatSplit()
    {
        Assert.Equal("f32[batch,2]", Y("%x: f32[batch,10]", "  %s = const i64[1] [1]\n  %e = const i64[1] [7]\n  %a = const i64[1] [1]\n  %t = const i64[1] [3]\n  %y = Slice(%x, %s, %e, %a, %t)"));
        Assert.Equal("f32[batch,10]", Y("%x: f32[batch,10]", "  %s = const i64[1] [0]\n  %e = const i64[1] [9223372036854775807]\n  %y = Slice(%x, %s, %e)"));
        Assert.Equal("f32[2,3,seq]", Y("%x: f32[50,seq], %i: i64[2,3]", "%y = Gather(%x, %i)"));
        Assert.Equal("f32[batch,12]", Y("%a: f32[batch,5], %b: f32[batch,7]", "%y = Concat(%a, %b) {axis=1}"));
        // A sum of a number and a symbol has no single-dim name: unknown, not wrong.
        Assert.Equal("f32[batch,?]", Y("%a: f32[batch,5], %b: f32[batch,seq]", "%y = Concat(%a, %b) {axis=1}"));
        var r = SchemaTestUtil.Infer("graph g(%x: f32[2,10]) -> (%y: ?) {\n  %y, %z = Split(%x) {axis=1, num_outputs=2}\n}");
        Assert.Equal("f32[2,5]", r.TypeOf("z").ToString());
    }

    [Fact]
    public void ShapeValuesAndConstantOfShape()
    {
        const string body = """
              %s = Shape(%x)
              %i = const i64[] [0]
              %b = Gather(%s, %i)
              %ax = const i64[1] [0]
              %b1 = Unsqueeze(%b, %ax)
              %h = const i64[1] [16]
              %shape = Concat(%b1, %h) {axis=0}
              %y = ConstantOfShape(%shape)
            """;
        Assert.Equal("f32[batch,16]", Y("%x: f32[batch,3]", body));
        Assert.Equal("i64[]", Y("%x: f32[batch,3]", body, "b"));
    }

    [Fact]
    public void MiscOps()
    {
        Assert.Equal("f32[4,3,2]", Y("%x: f32[2,3,4]", "%y = Transpose(%x)"));
        Assert.Equal("f32[2,4,3]", Y("%x: f32[2,3,4]", "%y = Transpose(%x) {perm=[0,2,1]}"));
        Assert.Equal("i64[2,4]", Y("%x: f32[2,3,4]", "%y = ArgMax(%x) {axis=1, keepdims=0}"));
        Assert.Equal("f16[2,3]", Y("%x: f32[2,3]", "%y = Cast(%x) {to=10}"));
        Assert.Equal("f32[4,9]", Y("%x: f32[2,3]", "  %r = const i64[2] [2,3]\n  %y = Tile(%x, %r)"));
        Assert.Equal("f32[3,7]", Y("%x: f32[2,3]", "  %p = const i64[4] [0,1,1,3]\n  %y = Pad(%x, %p)"));
        Assert.Equal("i64[5]", Y("", "  %a = const i64[] [0]\n  %b = const i64[] [10]\n  %c = const i64[] [2]\n  %y = Range(%a, %b, %c)"));
        Assert.Equal("f32[1,3,8,8]", Y("%x: f32[1,3,4,4]", "  %s = const f32[4] [1.0,1.0,2.0,2.0]\n  %y = Resize(%x, none, %s)"));
        Assert.Equal("u8[2,3]", Y("%x: f32[2,3], %s: f32[], %z: u8[]", "%y = QuantizeLinear(%x, %s, %z)"));
        Assert.Equal("f32[seq,2,batch,16]", Y("%x: f32[seq,batch,8], %w: f32[2,64,8], %r: f32[2,64,16]", "%y, %h, %c = LSTM(%x, %w, %r) {direction=\"bidirectional\", hidden_size=16}"));
        Assert.Equal("f32[2,batch,16]", Y("%x: f32[seq,batch,8], %w: f32[2,64,8], %r: f32[2,64,16]", "%y, %h, %c = LSTM(%x, %w, %r) {direction=\"bidirectional\", hidden_size=16}", "c"));
    }

    [Fact]
    public void EinsumLettersAndEllipsis()
    {
        Assert.Equal("f32[b,h,q,k]", Y("%q: f32[b,h,q,64], %k: f32[b,h,k,64]", "%y = Einsum(%q, %k) {equation=\"bhqd,bhkd->bhqk\"}"));
        Assert.Equal("f32[3,5]", Y("%a: f32[3,4], %b: f32[4,5]", "%y = Einsum(%a, %b) {equation=\"ij,jk\"}"));
        Assert.Equal("f32[7,2,3,5]", Y("%a: f32[7,2,3,4], %b: f32[4,5]", "%y = Einsum(%a, %b) {equation=\"...ij,jk->...ik\"}"));
    }

    [Fact]
    public void IfJoinsBranches()
    {
        const string text = """
            graph g(%c: bool[], %a: f32[2,3], %b: f32[2,5]) -> (%y: ?) {
              %y = If(%c) {else_branch=graph e() -> (%eo: ?) {
                %eo = Relu(%b)
              }, then_branch=graph t() -> (%to: ?) {
                %to = Relu(%a)
              }}
            }
            """;
        Assert.Equal("f32[2,?]", SchemaTestUtil.TypeText(text, "y"));
    }
}
