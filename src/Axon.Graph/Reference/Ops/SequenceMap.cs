namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Applies the body to each element of the input sequence. Additional inputs that are sequences are iterated in
/// lockstep; tensors are passed unchanged to every iteration. Each body output is collected into an output sequence.
/// </summary>
[Op("SequenceMap")]
internal sealed class SequenceMap : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var body = ctx.Node.GetGraph("body") ?? throw ctx.Error("missing body attribute");
        var first = SequenceHelpers.Seq(ctx, 0);
        int count = first.Items.Count;
        for (int i = 1; i < ctx.InputCount; i++)
        {
            if (ctx.Inputs[i] is TensorSequence s && s.Items.Count != count)
            {
                throw ctx.Error($"input sequences differ in length ({count} and {s.Items.Count})");
            }
        }
        var outs = new List<Tensor>[body.Outputs.Count];
        for (int k = 0; k < outs.Length; k++)
        {
            outs[k] = [];
        }
        for (int e = 0; e < count; e++)
        {
            var args = new IValue?[ctx.InputCount];
            for (int i = 0; i < args.Length; i++)
            {
                args[i] = ctx.Inputs[i] is TensorSequence s ? s.Items[e] : ctx.Inputs[i];
            }
            var r = ctx.RunSubgraph(body, args);
            for (int k = 0; k < outs.Length; k++)
            {
                outs[k].Add(r[k] as Tensor ?? throw ctx.Error($"body output {k} must be a tensor"));
            }
        }
        var result = new IValue?[outs.Length];
        for (int k = 0; k < outs.Length; k++)
        {
            var dtype = outs[k].Count > 0 ? outs[k][0].DType : SequenceHelpers.DeclaredElement(body.Outputs[k].Type);
            result[k] = new TensorSequence(dtype == DType.Undefined ? DType.Float32 : dtype, outs[k]);
        }
        return result;
    }
}
