using Axon.Graph;
using Axon.Onnx.Export;
using Axon.Onnx.Wire;
using Google.Protobuf;

namespace Axon.Onnx;

public static partial class OnnxModel
{
    /// <summary>Serializes a model as an ONNX <c>ModelProto</c> with every tensor inline.</summary>
    public static byte[] ToBytes(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Serialize(ModelExporter.ToProto(model));
    }

    /// <summary>
    /// Writes a model to <paramref name="path"/>; with <see cref="SaveOptions.ExternalDataThreshold"/> set, large
    /// initializers go to a side file in the same folder.
    /// </summary>
    public static void Save(Model model, string path, SaveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        try
        {
            ExternalDataWriter? writer = null;
            try
            {
                if (options?.ExternalDataThreshold is long threshold)
                {
                    string location = options.ExternalDataFile ?? Path.GetFileName(full) + ".data";
                    string dataPath = CheckedDataPath(dir, location);
                    if (string.Equals(dataPath, full, StringComparison.Ordinal))
                    {
                        throw new AxonInputException($"the external data file '{location}' cannot be the model file itself", "AXON215");
                    }
                    Directory.CreateDirectory(Path.GetDirectoryName(dataPath)!);
                    writer = new ExternalDataWriter(dataPath, location.Replace(Path.DirectorySeparatorChar, '/'), threshold);
                }
                var bytes = Serialize(ModelExporter.ToProto(model, writer));
                File.WriteAllBytes(full, bytes);
            }
            finally
            {
                writer?.Dispose();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AxonInputException($"cannot write model '{path}': {e.Message}", "AXON214", e);
        }
    }

    /// <summary>The external data file must be a relative path that stays in the model's folder (as the loader demands).</summary>
    private static string CheckedDataPath(string dir, string location)
    {
        if (location.Length == 0 || Path.IsPathRooted(location) || location.Contains('\0'))
        {
            throw new AxonInputException($"external data file '{location}' must be a relative path inside the model's folder", "AXON215");
        }
        string root = dir.EndsWith(Path.DirectorySeparatorChar) ? dir : dir + Path.DirectorySeparatorChar;
        string full = Path.GetFullPath(Path.Combine(dir, location));
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            throw new AxonInputException($"external data file '{location}' leaves the model's folder", "AXON215");
        }
        return full;
    }

    private static byte[] Serialize(ModelProto proto)
    {
        long size = proto.CalculateSize();
        if (size < 0 || size > int.MaxValue)
        {
            throw new AxonModelException("the model is larger than protobuf's 2 GiB limit; save it with SaveOptions.ExternalDataThreshold", "AXON177");
        }
        return proto.ToByteArray();
    }
}
