namespace Axon.Compiler;

/// <summary>A compile-time failure: a pass that broke, an unsupported op, a corrupt artifact. Codes are AXC0xx (docs/errors.md).</summary>
public sealed class AxonCompileException : AxonModelException
{
    public AxonCompileException(string message, string code, Exception? inner = null) : base(message, code, inner) { }
}
