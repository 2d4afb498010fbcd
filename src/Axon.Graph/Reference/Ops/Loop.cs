namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Generic loop: runs the body while (i &lt; M, if M is given) and (cond, if given). The body takes
/// (iteration_num, cond, carried...) and yields (cond, carried..., scan_outputs...); scan outputs are stacked on a new axis 0.
/// </summary>
[Op("Loop")]
internal sealed class Loop : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var body = ctx.Node.GetGraph("body") ?? throw ctx.Error("missing body attribute");
        long? maxTrips = ctx.HasInput(0) ? ControlFlow.ScalarInt(ctx, ctx.Input(0), "M") : null;
        bool cond = !ctx.HasInput(1) || ControlFlow.ScalarBool(ctx, ctx.Inputs[1], "cond");
        int carriedCount = Math.Max(0, ctx.InputCount - 2);
        var carried = new IValue?[carriedCount];
        for (int i = 0; i < carriedCount; i++)
        {
            carried[i] = ctx.Inputs[i + 2];
        }
        int scanCount = body.Outputs.Count - 1 - carriedCount;
        if (scanCount < 0)
        {
            throw ctx.Error($"body yields {body.Outputs.Count} outputs, fewer than 1 + {carriedCount} carried values");
        }
        var scans = new List<Tensor>[scanCount];
        for (int k = 0; k < scanCount; k++)
        {
            scans[k] = [];
        }
        for (long i = 0; (maxTrips is null || i < maxTrips) && cond; i++)
        {
            var args = new IValue?[2 + carriedCount];
            args[0] = Tensor.Scalar(i);
            args[1] = Tensor.Scalar(cond);
            Array.Copy(carried, 0, args, 2, carriedCount);
            var outs = ctx.RunSubgraph(body, args.Take(Math.Min(args.Length, body.Inputs.Count)).ToArray());
            cond = ControlFlow.ScalarBool(ctx, outs[0], "body's condition output");
            for (int c = 0; c < carriedCount; c++)
            {
                carried[c] = outs[1 + c];
            }
            for (int k = 0; k < scanCount; k++)
            {
                scans[k].Add(outs[1 + carriedCount + k] as Tensor
                    ?? throw ctx.Error($"scan output {k} must be a tensor, got {outs[1 + carriedCount + k]?.ToString() ?? "nothing"}"));
            }
        }
        var result = new IValue?[carriedCount + scanCount];
        Array.Copy(carried, result, carriedCount);
        for (int k = 0; k < scanCount; k++)
        {
            result[carriedCount + k] = ControlFlow.StackOutputs(ctx, scans[k], body.Outputs[1 + carriedCount + k]);
        }
        return result;
    }
}
