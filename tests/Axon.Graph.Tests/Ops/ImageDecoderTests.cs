using System.Text;
using static Axon.Graph.Tests.Ops.ControlOpHarness;

namespace Axon.Graph.Tests.Ops;

public class ImageDecoderTests
{
    // A 2x1 P6 image: a red pixel then a blue one.
    private static Tensor Ppm() => Tensor.FromArray(Encoding.ASCII.GetBytes("P6\n2 1\n255\n").Concat(new byte[] { 255, 0, 0, 0, 0, 255 }).ToArray());

    [Fact]
    public void DecodesPnmAsRgbAndBgr()
    {
        var rgb = RunNode(N("ImageDecoder", ["x"], ["y"]), [("x", Ppm())]);
        var t = Assert.IsType<Tensor>(rgb[0]);
        Assert.Equal([1, 2, 3], t.Shape);
        Assert.Equal(new byte[] { 255, 0, 0, 0, 0, 255 }, t.ToArray<byte>());
        var bgr = RunNode(N("ImageDecoder", ["x"], ["y"], Attr.Of("pixel_format", "BGR")), [("x", Ppm())]);
        Assert.Equal(new byte[] { 0, 0, 255, 255, 0, 0 }, ((Tensor)bgr[0]!).ToArray<byte>());
    }

    [Fact]
    public void GrayscaleUsesRec601Luma()
    {
        var g = RunNode(N("ImageDecoder", ["x"], ["y"], Attr.Of("pixel_format", "Grayscale")), [("x", Ppm())]);
        // 0.299·255 = 76.2 and 0.114·255 = 29.1.
        Assert.Equal(new byte[] { 76, 29 }, ((Tensor)g[0]!).ToArray<byte>());
    }

    [Fact]
    public void BottomUpBmpRowsAreFlipped()
    {
        // 1x2 24-bit BMP, stored bottom-up: the first stored row (green) is the bottom pixel.
        var header = new byte[54];
        "BM"u8.CopyTo(header);
        BitConverter.GetBytes(54).CopyTo(header, 10);
        BitConverter.GetBytes(40).CopyTo(header, 14);
        BitConverter.GetBytes(1).CopyTo(header, 18);
        BitConverter.GetBytes(2).CopyTo(header, 22);
        BitConverter.GetBytes((short)24).CopyTo(header, 28);
        var rows = new byte[] { 0, 255, 0, 0, 0, 0, 255, 0 }; // BGR + 1 pad byte per row
        var outs = RunNode(N("ImageDecoder", ["x"], ["y"]), [("x", Tensor.FromArray(header.Concat(rows).ToArray()))]);
        var t = Assert.IsType<Tensor>(outs[0]);
        Assert.Equal([2, 1, 3], t.Shape);
        Assert.Equal(new byte[] { 255, 0, 0, 0, 255, 0 }, t.ToArray<byte>());
    }

    [Fact]
    public void JpegIsReportedUnsupported()
    {
        Assert.Throws<AxonUnsupportedException>(() => RunNode(N("ImageDecoder", ["x"], ["y"]), [("x", Tensor.FromArray(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 }))]));
    }
}
