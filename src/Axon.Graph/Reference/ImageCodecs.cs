using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Axon.Graph.Reference;

/// <summary>A decoded 8-bit image: rows of interleaved RGB pixels.</summary>
internal sealed record RgbImage(int Height, int Width, byte[] Rgb);

/// <summary>
/// Small decoders for the lossless image formats ImageDecoder meets: PNG (8-bit, all colour types, no interlace),
/// BMP (24/32-bit uncompressed), PNM (P2/P3/P5/P6, maxval 255) and TIFF (uncompressed 8-bit chunky RGB or grey).
/// JPEG, JPEG 2000 and WebP are not decoded: matching their reference decoders bit for bit is out of scope.
/// </summary>
internal static class ImageCodecs
{
    public static RgbImage Decode(byte[] b)
    {
        if (b.Length >= 8 && b[0] == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G')
        {
            return Png(b);
        }
        if (b.Length >= 2 && b[0] == 'B' && b[1] == 'M')
        {
            return Bmp(b);
        }
        if (b.Length >= 2 && b[0] == 'P' && b[1] is (byte)'2' or (byte)'3' or (byte)'5' or (byte)'6')
        {
            return Pnm(b);
        }
        if (b.Length >= 4 && (b[0] == 'I' && b[1] == 'I' || b[0] == 'M' && b[1] == 'M'))
        {
            return Tiff(b);
        }
        string kind = b.Length >= 2 && b[0] == 0xFF && b[1] == 0xD8 ? "JPEG"
            : b.Length >= 12 && Encoding.ASCII.GetString(b, 8, 4) == "WEBP" ? "WebP"
            : b.Length >= 12 && Encoding.ASCII.GetString(b, 4, 4) == "jP  " ? "JPEG 2000" : "this";
        throw new AxonUnsupportedException($"the reference ImageDecoder cannot decode {kind} images (PNG, BMP, PNM and uncompressed TIFF only)");
    }

    private static RgbImage Png(byte[] b)
    {
        int pos = 8, width = 0, height = 0, depth = 0, colorType = 0, interlace = 0;
        byte[]? palette = null;
        using var idat = new MemoryStream();
        while (pos + 8 <= b.Length)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(pos));
            string type = Encoding.ASCII.GetString(b, pos + 4, 4);
            var data = b.AsSpan(pos + 8, len);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    depth = data[8];
                    colorType = data[9];
                    interlace = data[12];
                    break;
                case "PLTE": palette = data.ToArray(); break;
                case "IDAT": idat.Write(data); break;
            }
            pos += 12 + len;
            if (type == "IEND")
            {
                break;
            }
        }
        if (depth != 8 || interlace != 0)
        {
            throw new AxonUnsupportedException($"PNG with bit depth {depth} or interlacing {interlace} is not supported (8-bit, non-interlaced only)");
        }
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => throw new AxonModelException($"bad PNG colour type {colorType}") };
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        z.CopyTo(raw);
        var src = raw.ToArray();
        int stride = width * channels;
        var pix = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            byte filter = src[y * (stride + 1)];
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? pix[y * stride + x - channels] : 0;
                int up = y > 0 ? pix[(y - 1) * stride + x] : 0;
                int c = x >= channels && y > 0 ? pix[(y - 1) * stride + x - channels] : 0;
                int v = src[y * (stride + 1) + 1 + x];
                v += filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => up,
                    3 => (a + up) / 2,
                    4 => Paeth(a, up, c),
                    _ => throw new AxonModelException($"bad PNG filter {filter}"),
                };
                pix[y * stride + x] = (byte)v;
            }
        }
        var rgb = new byte[height * width * 3];
        for (int i = 0; i < width * height; i++)
        {
            for (int k = 0; k < 3; k++)
            {
                rgb[i * 3 + k] = colorType switch
                {
                    2 or 6 => pix[i * channels + k],
                    3 => palette![pix[i] * 3 + k],
                    _ => pix[i * channels],
                };
            }
        }
        return new RgbImage(height, width, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static RgbImage Bmp(byte[] b)
    {
        int offset = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(10));
        int width = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(18));
        int rawHeight = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(22));
        int bpp = BinaryPrimitives.ReadInt16LittleEndian(b.AsSpan(28));
        int compression = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(30));
        if (bpp is not (24 or 32) || compression is not (0 or 3))
        {
            throw new AxonUnsupportedException($"BMP with {bpp} bits per pixel or compression {compression} is not supported");
        }
        // A positive height means rows are stored bottom-up.
        int height = Math.Abs(rawHeight);
        int bytesPer = bpp / 8;
        int stride = (width * bytesPer + 3) & ~3;
        var rgb = new byte[height * width * 3];
        for (int y = 0; y < height; y++)
        {
            int srcRow = rawHeight > 0 ? height - 1 - y : y;
            for (int x = 0; x < width; x++)
            {
                int s = offset + srcRow * stride + x * bytesPer;
                int d = (y * width + x) * 3;
                rgb[d] = b[s + 2];
                rgb[d + 1] = b[s + 1];
                rgb[d + 2] = b[s];
            }
        }
        return new RgbImage(height, width, rgb);
    }

    private static RgbImage Pnm(byte[] b)
    {
        char kind = (char)b[1];
        int pos = 2;
        int Next()
        {
            while (pos < b.Length && (char.IsWhiteSpace((char)b[pos]) || b[pos] == '#'))
            {
                if (b[pos] == '#')
                {
                    while (pos < b.Length && b[pos] != '\n')
                    {
                        pos++;
                    }
                }
                else
                {
                    pos++;
                }
            }
            int v = 0;
            while (pos < b.Length && b[pos] >= '0' && b[pos] <= '9')
            {
                v = v * 10 + (b[pos++] - '0');
            }
            return v;
        }
        int width = Next(), height = Next(), max = Next();
        if (max != 255)
        {
            throw new AxonUnsupportedException($"PNM with maxval {max} is not supported (255 only)");
        }
        bool color = kind is '3' or '6';
        bool binary = kind is '5' or '6';
        pos++;
        var rgb = new byte[height * width * 3];
        for (int i = 0; i < width * height; i++)
        {
            for (int k = 0; k < 3; k++)
            {
                if (k > 0 && !color)
                {
                    rgb[i * 3 + k] = rgb[i * 3];
                    continue;
                }
                rgb[i * 3 + k] = binary ? b[pos++] : (byte)Next();
            }
        }
        return new RgbImage(height, width, rgb);
    }

    private static RgbImage Tiff(byte[] b)
    {
        bool le = b[0] == 'I';
        int U16(int at) => le ? BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at));
        int U32(int at) => (int)(le ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at)));
        int ifd = U32(4);
        int n = U16(ifd);
        var tags = new Dictionary<int, int[]>();
        for (int i = 0; i < n; i++)
        {
            int e = ifd + 2 + 12 * i;
            int tag = U16(e), type = U16(e + 2), count = U32(e + 4);
            int size = type == 3 ? 2 : 4;
            int at = count * size <= 4 ? e + 8 : U32(e + 8);
            tags[tag] = Enumerable.Range(0, count).Select(k => size == 2 ? U16(at + k * 2) : U32(at + k * 4)).ToArray();
        }
        int Tag(int t, int def) => tags.TryGetValue(t, out var v) ? v[0] : def;
        int width = Tag(256, 0), height = Tag(257, 0), spp = Tag(277, 1);
        if (Tag(259, 1) != 1 || Tag(284, 1) != 1 || (tags.TryGetValue(258, out var bits) && bits.Any(x => x != 8)))
        {
            throw new AxonUnsupportedException("TIFF must be uncompressed, chunky and 8 bits per sample");
        }
        var offsets = tags[273];
        using var data = new MemoryStream();
        var counts = tags.TryGetValue(279, out var c) ? c : [width * height * spp];
        for (int s = 0; s < offsets.Length; s++)
        {
            data.Write(b, offsets[s], counts[s]);
        }
        var pix = data.ToArray();
        var rgb = new byte[height * width * 3];
        for (int i = 0; i < width * height; i++)
        {
            for (int k = 0; k < 3; k++)
            {
                rgb[i * 3 + k] = spp >= 3 ? pix[i * spp + k] : pix[i * spp];
            }
        }
        return new RgbImage(height, width, rgb);
    }
}
