using Axon.Graph.Ops;

namespace Axon.Graph.Reference.Ops;

/// <summary>
/// axon:FusedElementwise(x0, ...) {program}: runs each step of the program with the standard reference op it stands for,
/// so a fused graph gives exactly the numbers of the chain it replaced.
/// </summary>
[Op("FusedElementwise", Domain = "axon")]
internal sealed class AxonFusedElementwise : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        if (!ElementwiseProgram.TryParse(ctx.String("program", ""), out var program, out string? error, ctx.InputCount))
        {
            throw ctx.Error($"bad program: {error}");
        }
        var results = new List<Tensor>();
        Tensor Operand(string o)
        {
            var (input, i) = ElementwiseStep.Decode(o);
            return input ? ctx.Input(i) : results[i];
        }
        foreach (var s in program!.Steps)
        {
            var a = Operand(s.Operands[0]);
            Tensor r = s.Op switch
            {
                _ when ElementwiseProgram.BinaryOps.Contains(s.Op) => AxonFusion.RunOnnx(ctx, s.Op, [], a, Operand(s.Operands[1])),
                "LeakyRelu" => AxonFusion.RunOnnx(ctx, "LeakyRelu", [Attr.Of("alpha", s.Param("alpha", 0.01f))], a),
                "HardSigmoid" => AxonFusion.RunOnnx(ctx, "HardSigmoid", [Attr.Of("alpha", s.Param("alpha", 0.2f)), Attr.Of("beta", s.Param("beta", 0.5f))], a),
                "Clip" => AxonFusion.Activate(ctx, a, "Clip", s.Param("min", float.NaN), s.Param("max", float.NaN)),
                "Gelu" or "GeluTanh" or "Silu" => AxonFusion.Activate(ctx, a, s.Op, float.NaN, float.NaN),
                _ => AxonFusion.RunOnnx(ctx, s.Op, [], a),
            };
            results.Add(r);
        }
        return [results[^1]];
    }
}
