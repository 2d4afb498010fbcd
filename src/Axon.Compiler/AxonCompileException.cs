namespace Axon.Compiler;

/// <summary>
/// A failure while compiling: names the pass and, when known, the node. Codes: AXC001 a pass threw, AXC002 a pass left an
/// invalid graph (verifier), AXC003 a fixed-point group did not converge within its bound.
/// </summary>
public sealed class AxonCompileException : AxonModelException
{
    public AxonCompileException(string message, string code, string? pass = null, string? node = null, Exception? inner = null)
        : base(message, code, inner)
    {
        Pass = pass;
        NodeName = node;
    }

    /// <summary>The pass (or fixed-point group) that failed.</summary>
    public string? Pass { get; }

    /// <summary>The node being rewritten when it failed, if known.</summary>
    public string? NodeName { get; }
}
