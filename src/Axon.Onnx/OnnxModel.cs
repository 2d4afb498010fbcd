using Axon.Graph;
using Axon.Onnx.Import;
using Axon.Onnx.Validation;
using Axon.Onnx.Wire;
using Google.Protobuf;

namespace Axon.Onnx;

/// <summary>Loads ONNX models and tensors into Axon's IR. Every failure is an <see cref="AxonModelException"/> that names what is wrong.</summary>
public static partial class OnnxModel
{
    /// <summary>The newest ai.onnx opset Axon knows.</summary>
    public const long MaxKnownOpset = 28;

    /// <summary>Loads a model file; external data is resolved relative to its folder.</summary>
    public static Model Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = ReadBounded(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new AxonModelException($"cannot read model '{path}': {e.Message}", "AXON170", e);
        }
        return Load(bytes, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <summary>
    /// Reads exactly the file's stated length: unlike <see cref="File.ReadAllBytes"/> it never reads an endless device
    /// (<c>/dev/zero</c>, a link to one) until memory runs out.
    /// </summary>
    private static byte[] ReadBounded(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (!fs.CanSeek)
        {
            throw new IOException("not a regular file");
        }
        long length = fs.Length;
        if (length > Array.MaxLength)
        {
            throw new IOException($"{length} bytes exceeds protobuf's 2 GiB limit; large models keep their weights in external data");
        }
        var bytes = new byte[length];
        fs.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Loads a serialized <c>ModelProto</c>; <paramref name="baseDir"/> enables external data.</summary>
    public static Model Load(ReadOnlySpan<byte> bytes, string? baseDir)
    {
        try
        {
            return LoadCore(bytes, baseDir);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException
            or InvalidCastException or FormatException or KeyNotFoundException)
        {
            // A safety net: every known bad input has its own message, but a corrupt file must never crash the caller.
            throw new AxonModelException($"cannot import the model: {e.GetType().Name}: {e.Message}", "AXON179", e);
        }
    }

    private static Model LoadCore(ReadOnlySpan<byte> bytes, string? baseDir)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new AxonModelException($"not a valid ONNX model: {e.Message}", "AXON171", e);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            // protobuf decodes string fields as strict UTF-8.
            throw new AxonModelException($"not a valid ONNX model: a name or string field is not valid UTF-8 ({e.Message})", "AXON171", e);
        }
        if (proto.Graph is null)
        {
            throw new AxonModelException("the model has no graph (is this an ONNX file?)", "AXON172");
        }
        var importer = new GraphImporter(baseDir is null ? null : new ExternalDataResolver(baseDir));
        var model = new Model(importer.ImportGraph(proto.Graph))
        {
            IrVersion = proto.IrVersion,
            ProducerName = proto.ProducerName,
            ProducerVersion = proto.ProducerVersion,
            Domain = proto.Domain,
            ModelVersion = proto.ModelVersion,
            DocString = proto.DocString.Length > 0 ? proto.DocString : null,
        };
        model.OpsetImports.Clear();
        foreach (var os in proto.OpsetImport)
        {
            string domain = os.Domain == "ai.onnx" ? "" : os.Domain;
            if (os.Version < 1)
            {
                throw new AxonModelException($"opset import for domain '{os.Domain}' has version {os.Version}", "AXON173");
            }
            if (domain.Length == 0 && os.Version > MaxKnownOpset)
            {
                throw new AxonUnsupportedException($"the model imports ai.onnx opset {os.Version}; Axon supports up to {MaxKnownOpset}");
            }
            model.OpsetImports[domain] = os.Version;
        }
        if (model.OpsetImports.Count == 0 && proto.IrVersion >= 3)
        {
            throw new AxonModelException("the model declares no opset_import", "AXON173");
        }
        if (model.OpsetImports.Count == 0)
        {
            model.OpsetImports[""] = 1;
        }
        foreach (var kv in proto.MetadataProps)
        {
            model.Metadata[kv.Key] = kv.Value;
        }
        foreach (var fp in proto.Functions)
        {
            model.Functions.Add(ImportFunction(fp, importer));
        }
        FunctionInliner.Inline(model);
        ModelValidator.Validate(model);
        return model;
    }

    private static Function ImportFunction(FunctionProto fp, GraphImporter importer)
    {
        var f = new Function
        {
            Name = fp.Name,
            Domain = fp.Domain,
            Overload = fp.Overload,
            Inputs = fp.Input.ToList(),
            Outputs = fp.Output.ToList(),
            AttributeNames = fp.Attribute.Concat(fp.AttributeProto.Select(a => a.Name)).ToList(),
            Nodes = fp.Node.Select(n => importer.ImportNode(n, 1)).ToList(),
            DocString = fp.DocString.Length > 0 ? fp.DocString : null,
        };
        foreach (var a in fp.AttributeProto)
        {
            f.AttributeDefaults[a.Name] = importer.ImportAttr(a, null, 1);
        }
        foreach (var os in fp.OpsetImport)
        {
            f.OpsetImports[os.Domain == "ai.onnx" ? "" : os.Domain] = os.Version;
        }
        return f;
    }

    /// <summary>Reads a serialized <c>TensorProto</c> file (as in ONNX test data).</summary>
    public static Tensor LoadTensor(string path) => (Tensor)LoadValue(path, null)!;

    /// <summary>
    /// Reads a serialized value file: a <c>TensorProto</c>, or a <c>SequenceProto</c>/<c>OptionalProto</c> when
    /// <paramref name="type"/> says the value is a sequence or optional.
    /// </summary>
    public static IValue? LoadValue(string path, TypeInfo? type)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AxonInputException($"cannot read '{path}': {e.Message}", "AXON203", e);
        }
        try
        {
            return ValueDecoder.Decode(bytes, type);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or System.Text.DecoderFallbackException)
        {
            throw new AxonInputException($"'{path}' is not a valid serialized tensor: {e.Message}", "AXON204", e);
        }
    }
}
