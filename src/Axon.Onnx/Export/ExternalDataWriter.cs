using Axon.Onnx.Wire;

namespace Axon.Onnx.Export;

/// <summary>
/// Collects large initializers into one side file (<c>data_location = EXTERNAL</c>), each at a 64-byte aligned offset so
/// a loader can map them in place.
/// </summary>
internal sealed class ExternalDataWriter : IDisposable
{
    private const int Alignment = 64;
    private readonly FileStream _stream;
    private readonly string _location;

    public ExternalDataWriter(string fullPath, string location, long threshold)
    {
        _location = location;
        Threshold = threshold;
        _stream = new FileStream(fullPath, FileMode.Create, FileAccess.Write, FileShare.None);
    }

    public long Threshold { get; }

    /// <summary>True when the encoded tensor was moved out of <paramref name="p"/> into the side file.</summary>
    public bool TryMove(TensorProto p)
    {
        if (p.RawData.Length < Threshold || p.RawData.IsEmpty)
        {
            return false;
        }
        long pad = (Alignment - _stream.Position % Alignment) % Alignment;
        for (long i = 0; i < pad; i++)
        {
            _stream.WriteByte(0);
        }
        long offset = _stream.Position;
        _stream.Write(p.RawData.Span);
        p.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = _location });
        p.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        p.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = p.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        p.DataLocation = TensorProto.Types.DataLocation.External;
        p.RawData = Google.Protobuf.ByteString.Empty;
        return true;
    }

    public void Dispose() => _stream.Dispose();
}
