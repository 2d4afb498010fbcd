namespace Axon.Onnx;

/// <summary>How <see cref="OnnxModel.Save(Model, string, SaveOptions?)"/> writes a model.</summary>
public sealed class SaveOptions
{
    /// <summary>
    /// Initializers of at least this many bytes are written to <see cref="ExternalDataFile"/> instead of the model file;
    /// null (the default) keeps every tensor inside the model. Needed for models over protobuf's 2 GiB message limit.
    /// </summary>
    public long? ExternalDataThreshold { get; init; }

    /// <summary>
    /// The external data file, relative to the model's folder (it must stay inside it); default: the model's file
    /// name plus <c>.data</c>.
    /// </summary>
    public string? ExternalDataFile { get; init; }
}
