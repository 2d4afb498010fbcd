namespace Axon.Compiler;

/// <summary>
/// A compile-time failure: a pass that broke, an unsupported op, a corrupt artifact. Codes are AXC0xx (docs/errors.md).
/// Pass manager codes: AXC020 a pass threw, AXC021 a pass left an invalid graph (verifier), AXC022 a fixed-point group did
/// not converge within its bound; those name the pass and, when known, the node.
/// </summary>
public sealed class AxonCompileException : AxonModelException
{
    public AxonCompileException(string message, string code, Exception? inner = null) : base(message, code, inner) { }

    public AxonCompileException(string message, string code, string pass, string? node = null, Exception? inner = null)
        : base(message, code, inner)
    {
        Pass = pass;
        NodeName = node;
    }

    /// <summary>The pass (or fixed-point group) that failed, for pass manager errors.</summary>
    public string? Pass { get; }

    /// <summary>The node being rewritten when it failed, if known.</summary>
    public string? NodeName { get; }
}
