using static Axon.Graph.Tests.Ops.ControlOpHarness;

namespace Axon.Graph.Tests.Ops;

public class StringOpsTests
{
    [Fact]
    public void StringSplitPadsAndCounts()
    {
        var outs = RunNode(N("StringSplit", ["x"], ["y", "z"], Attr.Of("delimiter", ",")), [("x", S(["a,b,,c", "d"]))]);
        var y = Assert.IsType<Tensor>(outs[0]);
        Assert.Equal([2, 4], y.Shape);
        Assert.Equal(["a", "b", "", "c", "d", "", "", ""], y.Strings.ToArray());
        Assert.Equal([4L, 1L], ((Tensor)outs[1]!).ToInt64s());
    }

    [Fact]
    public void StringSplitOnWhitespaceWithMaxsplit()
    {
        var outs = RunNode(N("StringSplit", ["x"], ["y", "z"], Attr.Of("maxsplit", 1L)), [("x", S(["  a  b c "]))]);
        Assert.Equal(["a", "b c "], ((Tensor)outs[0]!).Strings.ToArray());
        Assert.Equal([2L], ((Tensor)outs[1]!).ToInt64s());
    }

    [Fact]
    public void StringConcatBroadcasts()
    {
        var outs = RunNode(N("StringConcat", ["x", "y"], ["z"]), [("x", S(["a", "b"])), ("y", Tensor.FromStrings(["!"]))]);
        Assert.Equal(["a!", "b!"], ((Tensor)outs[0]!).Strings.ToArray());
    }

    [Fact]
    public void StringNormalizerDropsStopwordsAndChangesCase()
    {
        var node = N("StringNormalizer", ["x"], ["y"], Attr.Of("stopwords", new[] { "the" }), Attr.Of("case_change_action", "UPPER"));
        var outs = RunNode(node, [("x", S(["The", "cat", "the"]))]);
        Assert.Equal(["CAT"], ((Tensor)outs[0]!).Strings.ToArray());
        var all = RunNode(node, [("x", S(["the"], 1, 1))]);
        Assert.Equal([1, 1], ((Tensor)all[0]!).Shape);
    }

    [Fact]
    public void RegexFullMatchAnchorsBothEnds()
    {
        var outs = RunNode(N("RegexFullMatch", ["x"], ["y"], Attr.Of("pattern", "a+b")), [("x", S(["aab", "aabc", "xaab"]))]);
        Assert.Equal([true, false, false], ((Tensor)outs[0]!).ToArray<bool>());
    }

    [Fact]
    public void TfIdfCountsUnigramsAndSkipBigrams()
    {
        // Pool: unigram 7, bigram (7, 9). Input 7 8 9 7: unigram 7 twice; bigram 7-9 once (skip 1).
        var node = N("TfIdfVectorizer", ["x"], ["y"], Attr.Of("min_gram_length", 1L), Attr.Of("max_gram_length", 2L),
            Attr.Of("max_skip_count", 1L), Attr.Of("mode", "TF"), Attr.Of("ngram_counts", new long[] { 0, 1 }),
            Attr.Of("ngram_indexes", new long[] { 1, 0 }), Attr.Of("pool_int64s", new long[] { 7, 7, 9 }));
        var outs = RunNode(node, [("x", Tensor.FromArray(new[] { 7, 8, 9, 7 }))]);
        Close([1, 2], outs[0]);
    }
}

public class Re2SyntaxTests
{
    [Theory]
    [InlineData(@"\d+", "[0-9]+")]
    [InlineData(@"[\w.]+", "[0-9A-Za-z_.]+")]
    [InlineData(@"\S", @"[^\t\n\f\r ]")]
    [InlineData("[[:alpha:]]", "[A-Za-z]")]
    [InlineData("(?P<x>a)", "(?<x>a)")]
    [InlineData("[]a]", @"[\]a]")]
    public void RewritesRe2Constructs(string re2, string dotnet)
    {
        Assert.Equal(dotnet, Axon.Graph.Reference.Re2Syntax.ToDotNet(re2));
    }

    [Fact]
    public void DigitClassIsAsciiOnly()
    {
        // U+0663 is an Arabic-Indic digit: .NET's \d matches it, RE2's does not.
        var outs = ControlOpHarness.RunNode(ControlOpHarness.N("RegexFullMatch", ["x"], ["y"], Attr.Of("pattern", @"\d")),
            [("x", ControlOpHarness.S(["7", "\u0663"]))]);
        Assert.Equal([true, false], ((Tensor)outs[0]!).ToArray<bool>());
    }
}
