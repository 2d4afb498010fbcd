using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Axon;

/// <summary>Anything a model input, output or intermediate can hold: a tensor, a sequence of tensors, or an optional.</summary>
public interface IValue
{
}

/// <summary>
/// A dense, contiguous, row-major tensor. Numeric data lives in a 64-byte-aligned <see cref="AlignedBuffer"/>; strings in a
/// managed array. Views (<see cref="Reshape"/>, <see cref="SliceOuter"/>) share storage and copy nothing.
/// <see cref="Shape"/> must be treated as immutable.
/// </summary>
public sealed partial class Tensor : IValue
{
    private readonly AlignedBuffer? _buffer;
    private readonly long _byteOffset;
    private readonly string[]? _strings;
    private readonly int _stringOffset;

    private Tensor(DType dtype, int[] shape, AlignedBuffer? buffer, long byteOffset, string[]? strings, int stringOffset)
    {
        DType = dtype;
        Shape = shape;
        Length = CheckedLength(shape);
        _buffer = buffer;
        _byteOffset = byteOffset;
        _strings = strings;
        _stringOffset = stringOffset;
    }

    public DType DType { get; }

    /// <summary>The dims; do not mutate.</summary>
    public int[] Shape { get; }

    public int Rank => Shape.Length;

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    public long ByteLength => DType == DType.String ? 0 : (long)Length * DType.SizeOf();

    /// <summary>The buffer backing a numeric tensor (null for strings).</summary>
    public AlignedBuffer? Buffer => _buffer;

    public static int CheckedLength(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new AxonException($"negative dimension {d} in shape [{string.Join(",", shape.ToArray())}]", "AXON011");
            }
            n *= d;
            if (n > int.MaxValue)
            {
                throw new AxonException($"shape [{string.Join(",", shape.ToArray())}] has more than {int.MaxValue} elements", "AXON011");
            }
        }
        return (int)n;
    }

    /// <summary>A new zero-filled tensor.</summary>
    public static Tensor Create(DType dtype, params int[] shape)
    {
        shape = (int[])shape.Clone();
        int n = CheckedLength(shape);
        if (dtype == DType.String)
        {
            var s = new string[n];
            Array.Fill(s, string.Empty);
            return new Tensor(dtype, shape, null, 0, s, 0);
        }
        if (dtype == DType.Undefined)
        {
            throw new AxonException("cannot create a tensor of undefined dtype", "AXON012");
        }
        var buf = BufferPool.Shared.Rent((long)n * dtype.SizeOf());
        var t = new Tensor(dtype, shape, buf, 0, null, 0);
        t.Bytes.Clear();
        return t;
    }

    /// <summary>A new uninitialized tensor: for kernels that overwrite every element.</summary>
    public static Tensor CreateUninitialized(DType dtype, params int[] shape)
    {
        if (dtype == DType.String)
        {
            return Create(dtype, shape);
        }
        shape = (int[])shape.Clone();
        int n = CheckedLength(shape);
        return new Tensor(dtype, shape, BufferPool.Shared.Rent((long)n * dtype.SizeOf()), 0, null, 0);
    }

    public static Tensor Create<T>(params int[] shape) where T : unmanaged => Create(DTypeInfo.Of<T>(), shape);

    /// <summary>Copies <paramref name="data"/> into a new tensor of the given shape.</summary>
    public static Tensor FromArray<T>(ReadOnlySpan<T> data, params int[] shape) where T : unmanaged
    {
        var t = CreateUninitialized(DTypeInfo.Of<T>(), shape);
        if (data.Length != t.Length)
        {
            throw new AxonException($"{data.Length} values do not fill shape [{string.Join(",", shape)}] ({t.Length} elements)", "AXON013");
        }
        data.CopyTo(t.Span<T>());
        return t;
    }

    public static Tensor FromArray<T>(T[] data, params int[] shape) where T : unmanaged => FromArray((ReadOnlySpan<T>)data, shape);

    /// <summary>A 1-D tensor holding <paramref name="data"/>.</summary>
    public static Tensor FromArray<T>(T[] data) where T : unmanaged => FromArray((ReadOnlySpan<T>)data, data.Length);

    public static Tensor Scalar<T>(T value) where T : unmanaged => FromArray(new[] { value }, Array.Empty<int>());

    public static Tensor FromStrings(string[] data, params int[] shape)
    {
        shape = (int[])shape.Clone();
        if (CheckedLength(shape) != data.Length)
        {
            throw new AxonException($"{data.Length} strings do not fill shape [{string.Join(",", shape)}]", "AXON013");
        }
        return new Tensor(DType.String, shape, null, 0, (string[])data.Clone(), 0);
    }

    /// <summary>A tensor over raw little-endian bytes (copied).</summary>
    public static Tensor FromBytes(DType dtype, ReadOnlySpan<byte> bytes, params int[] shape)
    {
        var t = CreateUninitialized(dtype, shape);
        if (bytes.Length != t.ByteLength)
        {
            throw new AxonException($"{bytes.Length} bytes do not fill a {dtype.OnnxName()} tensor of shape [{string.Join(",", shape)}] ({t.ByteLength} bytes)", "AXON013");
        }
        bytes.CopyTo(t.Bytes);
        return t;
    }

    /// <summary>The raw bytes of a numeric tensor.</summary>
    public Span<byte> Bytes => _buffer is null
        ? throw new AxonException($"a {DType.OnnxName()} tensor has no byte view")
        : _buffer.AsBytes(_byteOffset, ByteLength);

    /// <summary>The elements as <typeparamref name="T"/>; <typeparamref name="T"/> must have the element size of the dtype.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> Span<T>() where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != DType.SizeOf() || DType == DType.String)
        {
            throw new AxonException($"cannot view a {DType.OnnxName()} tensor as {typeof(T).Name}");
        }
        return MemoryMarshal.Cast<byte, T>(Bytes);
    }

    public ReadOnlySpan<T> ReadOnlySpan<T>() where T : unmanaged => Span<T>();

    public Span<string> Strings => _strings is null
        ? throw new AxonException($"a {DType.OnnxName()} tensor holds no strings")
        : _strings.AsSpan(_stringOffset, Length);

    public T[] ToArray<T>() where T : unmanaged => Span<T>().ToArray();

    /// <summary>A view with another shape of the same element count.</summary>
    public Tensor Reshape(params int[] shape)
    {
        shape = (int[])shape.Clone();
        if (CheckedLength(shape) != Length)
        {
            throw new AxonException($"cannot reshape [{string.Join(",", Shape)}] ({Length} elements) to [{string.Join(",", shape)}]", "AXON014");
        }
        return new Tensor(DType, shape, _buffer, _byteOffset, _strings, _stringOffset);
    }

    /// <summary>A view of rows <paramref name="start"/>..<paramref name="start"/>+<paramref name="count"/> along axis 0.</summary>
    public Tensor SliceOuter(int start, int count)
    {
        if (Rank == 0 || start < 0 || count < 0 || start + count > Shape[0])
        {
            throw new AxonException($"slice {start}+{count} outside axis 0 of [{string.Join(",", Shape)}]", "AXON014");
        }
        int inner = Shape[0] == 0 ? 0 : Length / Shape[0];
        var shape = (int[])Shape.Clone();
        shape[0] = count;
        return _strings is not null
            ? new Tensor(DType, shape, null, 0, _strings, _stringOffset + start * inner)
            : new Tensor(DType, shape, _buffer, _byteOffset + (long)start * inner * DType.SizeOf(), null, 0);
    }

    /// <summary>A deep copy with its own storage.</summary>
    public Tensor Clone()
    {
        if (DType == DType.String)
        {
            return FromStrings(Strings.ToArray(), Shape);
        }
        var t = CreateUninitialized(DType, Shape);
        Bytes.CopyTo(t.Bytes);
        return t;
    }

    /// <summary>Computes row-major strides (in elements) for a shape.</summary>
    public static int[] StridesOf(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    public SymShape SymShape => SymShape.Of(Shape);

    public override string ToString() => $"{DType.ShortName()}[{string.Join(",", Shape)}]";
}

/// <summary>An ONNX sequence value: an ordered list of tensors of one element type.</summary>
public sealed class TensorSequence : IValue
{
    public TensorSequence(DType elementType, IEnumerable<Tensor> items)
    {
        ElementType = elementType;
        Items = items.ToList();
    }

    public DType ElementType { get; }
    public List<Tensor> Items { get; }
    public override string ToString() => $"seq<{ElementType.ShortName()}>({Items.Count})";
}

/// <summary>An ONNX optional value: either holds a tensor or sequence, or is empty.</summary>
public sealed class OptionalValue : IValue
{
    public OptionalValue(IValue? value) => Value = value;

    public IValue? Value { get; }
    public bool HasValue => Value is not null;
    public override string ToString() => Value is null ? "optional(none)" : $"optional({Value})";
}
