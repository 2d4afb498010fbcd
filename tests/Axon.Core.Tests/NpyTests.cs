using System.Text;
using Axon.IO;

namespace Axon.Core.Tests;

public class NpyTests
{
    /// <summary>Assembles a .npy file by hand: magic, version, header length (2 or 4 bytes), header text, data.</summary>
    private static byte[] NpyBytes(int major, string header, params byte[] data)
    {
        var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0]);
        byte[] h = major == 3 ? Encoding.UTF8.GetBytes(header) : Encoding.Latin1.GetBytes(header);
        if (major == 1)
        {
            ms.Write([(byte)(h.Length & 0xFF), (byte)(h.Length >> 8)]);
        }
        else
        {
            ms.Write(BitConverter.GetBytes((uint)h.Length));
        }
        ms.Write(h);
        ms.Write(data);
        return ms.ToArray();
    }

    private static string Header(string descr, string shape, bool fortran = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}\n";

    private static Tensor Read(byte[] file) => Npy.Read(new MemoryStream(file));

    private static byte[] Le<T>(params T[] v) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.AsBytes(v.AsSpan()).ToArray();

    [Fact]
    public void ReadsVersion1Float32Matrix()
    {
        var t = Read(NpyBytes(1, Header("<f4", "(2, 3)"), Le(1f, 2f, 3f, 4f, 5f, -6.5f)));
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, -6.5f], t.ToArray<float>());
    }

    [Fact]
    public void ReadsVersion2And3Headers()
    {
        var v2 = Read(NpyBytes(2, Header("<i8", "(2,)"), Le(7L, -9L)));
        Assert.Equal([7L, -9L], v2.ToArray<long>());
        // Version 3.0 allows UTF-8 in the header text; the dict itself is the same.
        var v3 = Read(NpyBytes(3, "{\"descr\": \"<u2\", \"shape\": (3,), \"fortran_order\": False}  \n", Le<ushort>(1, 2, 65535)));
        Assert.Equal(DType.UInt16, v3.DType);
        Assert.Equal([(ushort)1, (ushort)2, (ushort)65535], v3.ToArray<ushort>());
    }

    [Fact]
    public void AcceptsPython2LongSuffixInShape()
    {
        var t = Read(NpyBytes(1, Header("|u1", "(1L, 2L)"), 3, 4));
        Assert.Equal([1, 2], t.Shape);
        Assert.Equal([(byte)3, (byte)4], t.ToArray<byte>());
    }

    [Theory]
    [InlineData("<f2", DType.Float16)]
    [InlineData("<f4", DType.Float32)]
    [InlineData("<f8", DType.Float64)]
    [InlineData("|i1", DType.Int8)]
    [InlineData("<i2", DType.Int16)]
    [InlineData("<i4", DType.Int32)]
    [InlineData("<i8", DType.Int64)]
    [InlineData("|u1", DType.UInt8)]
    [InlineData("<u2", DType.UInt16)]
    [InlineData("<u4", DType.UInt32)]
    [InlineData("<u8", DType.UInt64)]
    [InlineData("|b1", DType.Bool)]
    public void EveryNumericDTypeRoundTripsWithNumpysDescr(string descr, DType dtype)
    {
        var t = Tensor.FromDoubles(dtype, [0, 1, 1, 0, 1, 1], 3, 2);
        var ms = new MemoryStream();
        Npy.Write(ms, t);
        byte[] file = ms.ToArray();
        Assert.Contains($"'descr': '{descr}'", Encoding.ASCII.GetString(file, 10, (int)(file.Length - 10 - t.ByteLength)));
        Assert.Equal(0L, (file.Length - t.ByteLength) % 64);
        var back = Read(file);
        Assert.Equal(dtype, back.DType);
        Assert.Equal([3, 2], back.Shape);
        Assert.Equal(t.Bytes.ToArray(), back.Bytes.ToArray());
    }

    [Fact]
    public void WriterOutputIsByteExactNumpyLayout()
    {
        var ms = new MemoryStream();
        Npy.Write(ms, Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3));
        // 10 prefix bytes + 118 header bytes = 128: 59-character dict, 58 spaces, newline (what np.save writes).
        var expected = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 118, 0 };
        expected.AddRange(Encoding.ASCII.GetBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"));
        expected.AddRange(Enumerable.Repeat((byte)' ', 58));
        expected.Add((byte)'\n');
        expected.AddRange(Le(1f, 2f, 3f, 4f, 5f, 6f));
        Assert.Equal(expected.ToArray(), ms.ToArray());
    }

    [Fact]
    public void BigEndianDataIsByteSwapped()
    {
        var i4 = Read(NpyBytes(1, Header(">i4", "(2,)"), 0, 0, 1, 2, 0xFF, 0xFF, 0xFF, 0xFE));
        Assert.Equal([258, -2], i4.ToArray<int>());
        var f8 = Read(NpyBytes(1, Header(">f8", "()"), 0x3F, 0xF8, 0, 0, 0, 0, 0, 0));
        Assert.Equal(1.5, f8.ToArray<double>()[0]);
        var u = Read(NpyBytes(1, Header(">U2", "(1,)"), 0, 0, 0, (byte)'h', 0, 0, 0, (byte)'i'));
        Assert.Equal("hi", u.Strings[0]);
    }

    [Fact]
    public void FortranOrderIsTransposedIntoRowMajor()
    {
        // Column-major storage of [[1,2,3],[4,5,6]].
        var t = Read(NpyBytes(1, Header("<i4", "(2, 3)", fortran: true), Le(1, 4, 2, 5, 3, 6)));
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal([1, 2, 3, 4, 5, 6], t.ToArray<int>());
        // 3-D: element (i,j,k) is stored at i + 2j + 4k.
        var col = new short[2 * 2 * 3];
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                for (int k = 0; k < 3; k++)
                {
                    col[i + 2 * j + 4 * k] = (short)(100 * i + 10 * j + k);
                }
            }
        }
        var t3 = Read(NpyBytes(1, Header("<i2", "(2, 2, 3)", fortran: true), Le(col)));
        Assert.Equal([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112], t3.ToArray<short>().Select(v => (int)v));
    }

    [Fact]
    public void FortranOrderStringsAreTransposed()
    {
        var t = Read(NpyBytes(1, Header("<U1", "(2, 2)", fortran: true), Le<uint>('a', 'c', 'b', 'd')));
        Assert.Equal(["a", "b", "c", "d"], t.Strings.ToArray());
    }

    [Fact]
    public void ScalarAndEmptyArrays()
    {
        var s = Read(NpyBytes(1, Header("<f8", "()"), Le(2.25)));
        Assert.Equal(0, s.Rank);
        Assert.Equal(2.25, s.ToArray<double>()[0]);
        var e = Read(NpyBytes(1, Header("<f4", "(2, 0)")));
        Assert.Equal([2, 0], e.Shape);
        Assert.Equal(0, e.Length);

        var ms = new MemoryStream();
        Npy.Write(ms, Tensor.Scalar(3.5));
        Assert.Contains("'shape': ()", Encoding.ASCII.GetString(ms.ToArray()));
        Assert.Equal(3.5, Read(ms.ToArray()).ToArray<double>()[0]);
        ms = new MemoryStream();
        Npy.Write(ms, Tensor.Create(DType.Int32, 0));
        Assert.Contains("'shape': (0,)", Encoding.ASCII.GetString(ms.ToArray()));
        Assert.Equal([0], Read(ms.ToArray()).Shape);
    }

    [Fact]
    public void UnicodeStringsRoundTrip()
    {
        var t = Tensor.FromStrings(["ab", "\u20AC", "", "\U0001F600x"], 2, 2);
        var ms = new MemoryStream();
        Npy.Write(ms, t);
        byte[] file = ms.ToArray();
        Assert.Contains("'descr': '<U2'", Encoding.ASCII.GetString(file));
        Assert.Equal(0, (file.Length - 4 * 2 * 4) % 64); // four elements of two UTF-32 code units after an aligned header
        var back = Read(file);
        Assert.Equal([2, 2], back.Shape);
        Assert.Equal(t.Strings.ToArray(), back.Strings.ToArray());
        // Hand-written '<U3' with NUL padding; 'S' is read as UTF-8 bytes.
        var u = Read(NpyBytes(1, Header("<U3", "(2,)"), Le<uint>('x', 0, 0, 'y', 'z', 0x20AC)));
        Assert.Equal(["x", "yz\u20AC"], u.Strings.ToArray());
        var b = Read(NpyBytes(1, Header("|S2", "(2,)"), (byte)'o', (byte)'k', (byte)'z', 0));
        Assert.Equal(["ok", "z"], b.Strings.ToArray());
    }

    [Fact]
    public void BoolBytesAreNormalized()
    {
        var t = Read(NpyBytes(1, Header("|b1", "(3,)"), 0, 1, 2));
        Assert.Equal([false, true, true], t.ToArray<bool>());
        Assert.Equal([0.0, 1, 1], t.ToDoubles());
    }

    [Fact]
    public void PathRoundTripAndMissingFile()
    {
        string dir = Path.Combine(Path.GetTempPath(), "axon-npy-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string p = Path.Combine(dir, "x.npy");
            Npy.Write(p, Tensor.FromArray([1.0, 2.0], 2));
            Assert.False(File.Exists(p + ".tmp"));
            Assert.Equal([1.0, 2.0], Npy.Read(p).ToArray<double>());
            var e = Assert.Throws<AxonInputException>(() => Npy.Read(Path.Combine(dir, "missing.npy")));
            Assert.Contains("missing.npy", e.Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void WritingADTypeNumpyLacksIsAnInputError()
    {
        var e = Assert.Throws<AxonInputException>(() => Npy.Write(new MemoryStream(), Tensor.Create(DType.BFloat16, 2)));
        Assert.Contains("bfloat16", e.Message);
    }

    public static TheoryData<byte[], string> CorruptFiles() => new()
    {
        { Encoding.ASCII.GetBytes("PK\x03\x04 not numpy at all"), "magic" },
        { NpyBytes(1, Header("<f4", "(2,)"), Le(1f, 2f))[..9], "header length" },
        { NpyBytes(4, Header("<f4", "(1,)"), Le(1f)), "version 4.0" },
        { [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 0xFF, 0xFF, (byte)'{'], "runs past the end" },
        { [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0xFF, 0xFF, 0xFF, 0x7F], "exceeds the limit" },
        { NpyBytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,)"), "ends" },
        { NpyBytes(1, "{'descr': '<f4', 'shape': (2,), }"), "'fortran_order'" },
        { NpyBytes(1, "{'fortran_order': False, 'shape': (2,), }"), "'descr'" },
        { NpyBytes(1, Header("<f4", "(2, -3)")), "negative" },
        { NpyBytes(1, Header("<f4", "(99999999999,)")), "larger than" },
        { NpyBytes(1, Header("<f4", "(100000, 100000, 100000)")), "elements" },
        { NpyBytes(1, Header("<f8", "(1000000000,)")), "bytes" },
        { NpyBytes(1, Header("<f4", "(1000,)"), Le(1f, 2f)), "truncated" },
        { NpyBytes(1, Header("<c8", "(1,)"), Le(1f, 2f)), "not supported" },
        { NpyBytes(1, Header("|O", "(1,)"), 0), "object arrays" },
        { NpyBytes(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", Le(1f)), "structured" },
        { NpyBytes(1, Header("<U1", "(1,)"), 0x00, 0xD8, 0, 0), "code point" },
        { NpyBytes(1, Header("<f4", "('2',)")), "tuple of integers" },
        { NpyBytes(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (), }"), "True or False" },
        { NpyBytes(1, Header("<f4", "()") + "junk"), "after the header" },
        { NpyBytes(1, Header("<U99999999", "(1,)")), "width" },
    };

    [Theory]
    [MemberData(nameof(CorruptFiles))]
    public void CorruptHeadersRaiseInputErrorsNamingTheProblem(byte[] file, string expected)
    {
        var e = Assert.Throws<AxonInputException>(() => Read(file));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void NonSeekableStreamWithHugeDeclaredSizeFailsWithoutAllocatingIt()
    {
        // 1.6 GB declared, 8 bytes present: the reader must stage what arrives rather than trust the header.
        byte[] file = NpyBytes(1, Header("<f4", "(400000000,)"), Le(1f, 2f));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<AxonInputException>(() => Npy.Read(new ForwardOnlyStream(file)));
        Assert.Contains("truncated", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20, "allocated far more than the stream held");
    }

    [Fact]
    public void NonSeekableStreamReadsCompleteData()
    {
        var t = Npy.Read(new ForwardOnlyStream(NpyBytes(1, Header("<i2", "(3,)"), Le<short>(1, -2, 3))));
        Assert.Equal([(short)1, (short)-2, (short)3], t.ToArray<short>());
    }

    /// <summary>A stream that cannot seek or report its length, like a network or pipe stream; returns few bytes per read.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _pos;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, 3), data.Length - _pos);
            Array.Copy(data, _pos, buffer, offset, n);
            _pos += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
