using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Axon;

/// <summary>
/// A 64-byte-aligned block of memory for tensor data. It lives on the pinned object heap: the address never moves, so
/// kernels may take raw pointers, while spans over it are GC-tracked references that keep it alive (no use-after-free
/// even if the owning tensor becomes unreachable mid-loop). Disposing hands the block back to its <see cref="BufferPool"/>.
/// </summary>
public sealed unsafe class AlignedBuffer : IDisposable
{
    public const int Alignment = 64;
    private byte[]? _array;
    private readonly int _offset;
    private readonly BufferPool? _pool;
    private readonly byte* _external;
    private readonly object? _owner;

    internal AlignedBuffer(int capacity, BufferPool? pool)
    {
        // Large buffers start on a huge-page boundary and are advised before first touch (see HugePages).
        bool huge = HugePages.Applies(capacity) && capacity <= int.MaxValue - 2 * HugePages.PageBytes;
        int align = huge ? HugePages.PageBytes : Alignment;
        int stagger = huge ? HugePages.NextStagger() : 0;
        _array = GC.AllocateUninitializedArray<byte>(capacity + align + stagger, pinned: true);
        nint addr = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        int aligned = (int)((align - (addr & (align - 1))) & (align - 1));
        _offset = aligned + stagger;
        if (huge)
        {
            HugePages.Advise((byte*)addr + aligned, stagger + (long)capacity);
        }
        Capacity = capacity;
        _pool = pool;
    }

    private AlignedBuffer(byte* external, int capacity, object owner)
    {
        _external = external;
        _owner = owner;
        Capacity = capacity;
    }

    /// <summary>
    /// A buffer over memory this class does not allocate (a memory-mapped <c>.axon</c> weight section): nothing is
    /// copied. <paramref name="owner"/> keeps that memory valid; the buffer holds a reference to it, so the memory lives
    /// at least as long as any tensor over this buffer. <paramref name="pointer"/> must be 64-byte aligned. Disposing
    /// such a buffer does nothing: the owner decides when the memory goes.
    /// </summary>
    public static AlignedBuffer External(byte* pointer, int capacity, object owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (pointer == null || ((nint)pointer & (Alignment - 1)) != 0 || capacity < 0)
        {
            throw new ArgumentException($"external memory must be non-null and {Alignment}-byte aligned");
        }
        return new AlignedBuffer(pointer, capacity, owner);
    }

    /// <summary>The object keeping external memory alive (null for managed buffers).</summary>
    public object? Owner => _owner;

    /// <summary>Usable size in bytes (at least what was requested).</summary>
    public int Capacity { get; }

    public bool IsDisposed => _array is null && _external == null;

    private byte[] Array => _array ?? throw new ObjectDisposedException(nameof(AlignedBuffer));

    /// <summary>Address of the first byte; stable for the buffer's lifetime (the array is pinned).</summary>
    public byte* Pointer => _external != null ? _external : (byte*)Unsafe.AsPointer(ref Array[_offset]);

    /// <summary>Bytes <paramref name="offset"/>..<paramref name="offset"/>+<paramref name="length"/> as a GC-tracked span.</summary>
    public Span<byte> AsBytes(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"byte range {offset}+{length} outside buffer of {Capacity}");
        }
        return _external != null
            ? new Span<byte>(_external + offset, (int)length)
            : MemoryMarshal.CreateSpan(ref Array[_offset + (int)offset], (int)length);
    }

    public void Clear() => AsBytes(0, Capacity).Clear();

    public void Dispose()
    {
        var a = _array;
        if (a is null)
        {
            return;
        }
        if (_pool is not null && _pool.Return(this))
        {
            return;
        }
        _array = null;
    }
}

/// <summary>
/// Pool of aligned buffers in power-of-two size classes. Each class keeps a few free blocks, so a session that runs the
/// same model repeatedly allocates nothing after warm-up; very large blocks are not pooled.
/// </summary>
public sealed class BufferPool
{
    private const int MaxPooledClass = 28; // 256 MiB
    private const int MaxPerClass = 8;
    private readonly Stack<AlignedBuffer>[] _free = Enumerable.Range(0, MaxPooledClass + 1).Select(_ => new Stack<AlignedBuffer>()).ToArray();

    public static BufferPool Shared { get; } = new();

    /// <summary>A buffer of at least <paramref name="bytes"/> bytes; contents are not cleared.</summary>
    public AlignedBuffer Rent(long bytes)
    {
        if (bytes < 0 || bytes > int.MaxValue - AlignedBuffer.Alignment)
        {
            throw new AxonException($"cannot allocate a tensor buffer of {bytes} bytes (limit {int.MaxValue - AlignedBuffer.Alignment})", "AXON010");
        }
        int cls = SizeClass(bytes);
        if (cls > MaxPooledClass)
        {
            return new AlignedBuffer((int)bytes, null);
        }
        var stack = _free[cls];
        lock (stack)
        {
            if (stack.Count > 0)
            {
                return stack.Pop();
            }
        }
        return new AlignedBuffer(1 << cls, this);
    }

    internal bool Return(AlignedBuffer b)
    {
        int cls = SizeClass(b.Capacity);
        if (cls > MaxPooledClass || (1 << cls) != b.Capacity)
        {
            return false;
        }
        var stack = _free[cls];
        lock (stack)
        {
            if (stack.Count >= MaxPerClass || stack.Contains(b))
            {
                return stack.Contains(b);
            }
            stack.Push(b);
            return true;
        }
    }

    private static int SizeClass(long bytes) =>
        bytes <= 64 ? 6 : 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(bytes - 1));
}
