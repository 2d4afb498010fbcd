namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Decodes an encoded image (a 1-D uint8 tensor) to uint8 [H, W, 3] in RGB or BGR order, or [H, W, 1] grey
/// (ITU-R 601 luma with the rounding common decoders use). See <see cref="ImageCodecs"/> for the formats handled.
/// </summary>
[Op("ImageDecoder")]
internal sealed class ImageDecoder : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.DType != DType.UInt8 || x.Rank != 1)
        {
            throw ctx.Error($"input must be a 1-D uint8 tensor of encoded bytes, got {x}");
        }
        var img = ImageCodecs.Decode(x.ToArray<byte>());
        string format = ctx.String("pixel_format", "RGB");
        int n = img.Height * img.Width;
        switch (format)
        {
            case "RGB":
                return [Tensor.FromArray(img.Rgb, img.Height, img.Width, 3)];
            case "BGR":
            {
                var bgr = new byte[n * 3];
                for (int i = 0; i < n; i++)
                {
                    bgr[i * 3] = img.Rgb[i * 3 + 2];
                    bgr[i * 3 + 1] = img.Rgb[i * 3 + 1];
                    bgr[i * 3 + 2] = img.Rgb[i * 3];
                }
                return [Tensor.FromArray(bgr, img.Height, img.Width, 3)];
            }
            case "Grayscale":
            {
                var g = new byte[n];
                for (int i = 0; i < n; i++)
                {
                    g[i] = (byte)((img.Rgb[i * 3] * 19595 + img.Rgb[i * 3 + 1] * 38470 + img.Rgb[i * 3 + 2] * 7471 + 0x8000) >> 16);
                }
                return [Tensor.FromArray(g, img.Height, img.Width, 1)];
            }
            default:
                throw ctx.Error($"pixel_format '{format}' is not RGB, BGR or Grayscale");
        }
    }
}
