using Axon.Graph;

namespace Axon.Compiler.Passes;

/// <summary>
/// The ops that take a fused epilogue (residual add, then activation) and how each turns into its fused form:
/// Conv → axon:FusedConv(X, W, B?, Z?), MatMul → axon:FusedMatMul(A, B, bias?, Z?), Gemm → axon:FusedGemm(A, B, C?, Z?).
/// </summary>
internal static class EpilogueTargets
{
    public static bool IsTarget(Node n) =>
        (n.Domain.Length == 0 && n.OpType is "Conv" or "MatMul" or "Gemm")
        || (n.Domain == Rewrite.FusedDomain && n.OpType is "FusedConv" or "FusedMatMul" or "FusedGemm");

    public static bool HasActivation(Node n) => n.GetString("activation", "").Length > 0;

    public static bool HasResidual(Node n) => n.Domain == Rewrite.FusedDomain && n.Inputs.Count > 3 && n.Inputs[3].Length > 0;

    /// <summary>The fused form of <paramref name="n"/> writing <paramref name="output"/>, with the given residual (or the existing one).</summary>
    public static Node ToFused(Node n, string output, string? residual = null)
    {
        string op = n.Domain == Rewrite.FusedDomain ? n.OpType : "Fused" + n.OpType;
        var inputs = new List<string>(n.Inputs);
        while (inputs.Count < 4)
        {
            inputs.Add("");
        }
        if (residual is not null)
        {
            inputs[3] = residual;
        }
        var f = new Node(op, Rewrite.TrimOptional(inputs), [output], n.Name, Rewrite.FusedDomain);
        foreach (var kv in n.Attributes)
        {
            f.Attributes[kv.Key] = kv.Value;
        }
        return f;
    }
}
