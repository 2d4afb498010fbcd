namespace Axon.Core.Tests;

public unsafe class BufferPoolTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1000)]
    [InlineData(1 << 20)]
    public void PointersAre64ByteAligned(int bytes)
    {
        var pool = new BufferPool();
        using var b = pool.Rent(bytes);
        Assert.Equal(0, (long)b.Pointer % AlignedBuffer.Alignment);
        Assert.True(b.Capacity >= bytes);
        Assert.Equal(b.Capacity, b.AsBytes(0, b.Capacity).Length);
    }

    [Fact]
    public void TensorDataIsAligned()
    {
        for (int n = 1; n < 40; n += 3)
        {
            var t = Tensor.Create(DType.Float32, n);
            Assert.Equal(0, (long)t.Buffer!.Pointer % 64);
        }
    }

    [Fact]
    public void DisposedBuffersAreReusedWithinTheirSizeClass()
    {
        var pool = new BufferPool();
        var a = pool.Rent(100);
        byte* p = a.Pointer;
        a.Dispose();
        var b = pool.Rent(120); // same 128-byte class
        Assert.Same(a, b);
        Assert.True(p == b.Pointer);
        var c = pool.Rent(100); // a is taken: a fresh block
        Assert.NotSame(b, c);
        var d = pool.Rent(1000); // other class never gets a's block
        Assert.NotSame(a, d);
    }

    [Fact]
    public void DoubleDisposeDoesNotHandOutABlockTwice()
    {
        var pool = new BufferPool();
        var a = pool.Rent(64);
        a.Dispose();
        a.Dispose();
        var x = pool.Rent(64);
        var y = pool.Rent(64);
        Assert.Same(a, x);
        Assert.NotSame(x, y);
    }

    [Fact]
    public void BadSizesAndRangesAreRejected()
    {
        var pool = new BufferPool();
        Assert.Equal("AXON010", Assert.Throws<AxonException>(() => pool.Rent(-1)).Code);
        Assert.Equal("AXON010", Assert.Throws<AxonException>(() => pool.Rent(int.MaxValue)).Code);
        using var b = pool.Rent(64);
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AsBytes(1, b.Capacity).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => b.AsBytes(-1, 1).Length);
    }

    [Fact]
    public void UnpooledBufferIsUnusableAfterDispose()
    {
        // Beyond the largest pooled class the block is not kept: disposing releases it.
        var pool = new BufferPool();
        var big = pool.Rent((1 << 28) + 1);
        big.Dispose();
        Assert.True(big.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => big.AsBytes(0, 1).Length);
    }
}
