namespace Axon.Runtime;

/// <summary>A model's request queue is full: the request was rejected at once, nothing was queued (AXR020).</summary>
public sealed class QueueFullException : AxonException
{
    public QueueFullException(string message) : base(message, "AXR020") { }
}

/// <summary>A request had no result within its timeout (AXR021).</summary>
public sealed class RequestTimeoutException : AxonException
{
    public RequestTimeoutException(string message) : base(message, "AXR021") { }
}

/// <summary>The model was unloaded (or is being unloaded) before the request could run (AXR022).</summary>
public sealed class ModelUnloadedException : AxonException
{
    public ModelUnloadedException(string message) : base(message, "AXR022") { }
}

/// <summary>A model does not fit the memory limit of the model or the runtime (AXR010).</summary>
public sealed class ModelMemoryException : AxonException
{
    public ModelMemoryException(string message) : base(message, "AXR010") { }
}
