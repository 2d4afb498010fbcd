using Axon.Onnx.Import;
using Axon.Onnx.Wire;

namespace Axon.Onnx.Tests;

public class ExternalDataResolverTests
{
    private static TensorProto External(string location, long? offset = null, long? length = null, params long[] dims)
    {
        var p = new TensorProto { Name = "w", DataType = (int)DType.Float32, DataLocation = TensorProto.Types.DataLocation.External };
        p.Dims.AddRange(dims.Length == 0 ? [2] : dims);
        p.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        if (offset is long o)
        {
            p.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = o.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        if (length is long l)
        {
            p.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = l.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        return p;
    }

    private static void WriteFloats(string path, params float[] v) => File.WriteAllBytes(path, v.SelectMany(BitConverter.GetBytes).ToArray());

    [Fact]
    public void ReadsTheWholeFileOrAnOffsetRange()
    {
        using var tmp = new TestData.TempDir();
        WriteFloats(tmp.File("all.bin"), 1, 2);
        WriteFloats(tmp.File("mid.bin"), 9, 9, 3, 4, 9);
        var r = new ExternalDataResolver(tmp.Path);
        Assert.Equal(new[] { 1f, 2f }, TensorDecoder.Decode(External("all.bin"), r, "t").ToArray<float>());
        Assert.Equal(new[] { 3f, 4f }, TensorDecoder.Decode(External("mid.bin", 8, 8), r, "t").ToArray<float>());
        // Offset without length: the rest of the file must be exactly the tensor.
        Assert.Equal(new[] { 4f, 9f }, TensorDecoder.Decode(External("mid.bin", 12), r, "t").ToArray<float>());
    }

    [Fact]
    public void SubfoldersInsideTheModelFolderAreAllowed()
    {
        using var tmp = new TestData.TempDir();
        Directory.CreateDirectory(tmp.File("sub"));
        WriteFloats(tmp.File("sub/w.bin"), 5, 6);
        var r = new ExternalDataResolver(tmp.Path);
        Assert.Equal(new[] { 5f, 6f }, TensorDecoder.Decode(External("sub/../sub/w.bin"), r, "t").ToArray<float>());
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("sub/../../outside.bin")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    [InlineData("a\0b")]
    public void PathsLeavingTheFolderAreRejected(string location)
    {
        using var tmp = new TestData.TempDir();
        var r = new ExternalDataResolver(tmp.File("model"));
        Directory.CreateDirectory(tmp.File("model"));
        WriteFloats(tmp.File("outside.bin"), 1, 2);
        var e = Assert.ThrowsAny<AxonModelException>(() => TensorDecoder.Decode(External(location), r, "t"));
        Assert.Contains("'w'", e.Message);
    }

    [Fact]
    public void SymlinksThatLeaveTheFolderAreRejected()
    {
        using var tmp = new TestData.TempDir();
        Directory.CreateDirectory(tmp.File("model"));
        Directory.CreateDirectory(tmp.File("secret"));
        WriteFloats(tmp.File("secret/data.bin"), 1, 2);
        WriteFloats(tmp.File("model/ok.bin"), 3, 4);
        File.CreateSymbolicLink(tmp.File("model/file-link.bin"), tmp.File("secret/data.bin"));
        Directory.CreateSymbolicLink(tmp.File("model/dir-link"), tmp.File("secret"));
        File.CreateSymbolicLink(tmp.File("model/inside-link.bin"), "ok.bin");
        var r = new ExternalDataResolver(tmp.File("model"));

        var e1 = Assert.ThrowsAny<AxonModelException>(() => TensorDecoder.Decode(External("file-link.bin"), r, "t"));
        Assert.Contains("link", e1.Message);
        var e2 = Assert.ThrowsAny<AxonModelException>(() => TensorDecoder.Decode(External("dir-link/data.bin"), r, "t"));
        Assert.Contains("'w'", e2.Message);
        // A link that stays inside the folder is fine.
        Assert.Equal(new[] { 3f, 4f }, TensorDecoder.Decode(External("inside-link.bin"), r, "t").ToArray<float>());
    }

    [Fact]
    public void LinkedModelFolderStillWorks()
    {
        using var tmp = new TestData.TempDir();
        Directory.CreateDirectory(tmp.File("real"));
        WriteFloats(tmp.File("real/w.bin"), 7, 8);
        Directory.CreateSymbolicLink(tmp.File("alias"), tmp.File("real"));
        var r = new ExternalDataResolver(tmp.File("alias"));
        Assert.Equal(new[] { 7f, 8f }, TensorDecoder.Decode(External("w.bin"), r, "t").ToArray<float>());
    }

    [Theory]
    [InlineData(0L, 4L)]                   // length disagrees with the tensor's 8 bytes
    [InlineData(4L, 8L)]                   // range runs past the end of the 8-byte file
    [InlineData(100L, null)]               // offset past the end
    [InlineData(long.MaxValue, 8L)]        // offset + length overflows
    [InlineData(long.MaxValue - 4, 8L)]
    public void BadRangesAreRejected(long offset, long? length)
    {
        using var tmp = new TestData.TempDir();
        WriteFloats(tmp.File("w.bin"), 1, 2);
        var r = new ExternalDataResolver(tmp.Path);
        var e = Assert.ThrowsAny<AxonModelException>(() => TensorDecoder.Decode(External("w.bin", offset, length), r, "t"));
        Assert.Contains("'w'", e.Message);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1e3")]
    [InlineData("99999999999999999999")]
    public void NonNumericOffsetsAreRejected(string offset)
    {
        using var tmp = new TestData.TempDir();
        WriteFloats(tmp.File("w.bin"), 1, 2);
        var p = External("w.bin");
        p.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset });
        Assert.ThrowsAny<AxonModelException>(() => TensorDecoder.Decode(p, new ExternalDataResolver(tmp.Path), "t"));
    }

    [Fact]
    public void MissingFileIsReportedByName()
    {
        using var tmp = new TestData.TempDir();
        var e = Assert.ThrowsAny<AxonModelException>(() => TensorDecoder.Decode(External("nope.bin"), new ExternalDataResolver(tmp.Path), "t"));
        Assert.Contains("nope.bin", e.Message);
    }
}
