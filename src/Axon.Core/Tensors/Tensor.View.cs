namespace Axon;

public sealed partial class Tensor
{
    /// <summary>
    /// A tensor over part of an existing buffer (an arena slice chosen by the memory planner). Nothing is copied and
    /// the buffer is not owned: it must outlive the view.
    /// </summary>
    public static Tensor View(AlignedBuffer buffer, long byteOffset, DType dtype, int[] shape)
    {
        if (dtype == DType.String || dtype == DType.Undefined)
        {
            throw new AxonException($"cannot view a buffer as {dtype.OnnxName()}");
        }
        var t = new Tensor(dtype, (int[])shape.Clone(), buffer, byteOffset, null, 0);
        if (byteOffset < 0 || byteOffset + t.ByteLength > buffer.Capacity)
        {
            throw new AxonException($"view of {t.ByteLength} bytes at {byteOffset} exceeds the buffer ({buffer.Capacity} bytes)");
        }
        return t;
    }

    /// <summary>Copies this tensor's elements into <paramref name="destination"/>, which must have the same dtype and element count.</summary>
    public void CopyTo(Tensor destination)
    {
        if (destination.DType != DType || destination.Length != Length)
        {
            throw new AxonException($"cannot copy {this} into {destination}");
        }
        if (DType == DType.String)
        {
            Strings.CopyTo(destination.Strings);
            return;
        }
        Bytes.CopyTo(destination.Bytes);
    }
}
