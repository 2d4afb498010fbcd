namespace Axon;

/// <summary>Base of every error Axon raises on purpose. <see cref="Code"/> is a stable identifier for tools and tests.</summary>
public class AxonException : Exception
{
    public AxonException(string message, string code = "AXON000", Exception? inner = null) : base(message, inner) => Code = code;

    public string Code { get; }
}

/// <summary>A model file or graph is malformed, unsupported or inconsistent. The message names the node or tensor at fault.</summary>
public class AxonModelException : AxonException
{
    public AxonModelException(string message, string code = "AXON100", Exception? inner = null) : base(message, code, inner) { }
}

/// <summary>An operator is not implemented for the requested opset, domain or dtype.</summary>
public sealed class AxonUnsupportedException : AxonModelException
{
    public AxonUnsupportedException(string message, Exception? inner = null) : base(message, "AXON101", inner) { }
}

/// <summary>A caller-supplied input (tensor, file, argument) does not match what the model expects.</summary>
public class AxonInputException : AxonException
{
    public AxonInputException(string message, string code = "AXON200", Exception? inner = null) : base(message, code, inner) { }
}
