namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Scan: iterates a body over slices of the scan inputs, threading state variables and stacking scan outputs.
/// Opset 8 has a leading optional sequence_lens input and a batch axis 0 on every input and output;
/// opset 9+ drops both and adds per-input/-output axes and directions.
/// </summary>
[Op("Scan")]
internal sealed class Scan : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var body = ctx.Node.GetGraph("body") ?? throw ctx.Error("missing body attribute");
        int m = (int)ctx.Int("num_scan_inputs", -1);
        if (m < 0)
        {
            throw ctx.Error("missing num_scan_inputs attribute");
        }
        return ctx.Opset < 9 ? RunBatched(ctx, body, m) : RunUnbatched(ctx, body, m);
    }

    private static IValue?[] RunUnbatched(OpContext ctx, Graph body, int m)
    {
        int n = ctx.InputCount - m;
        int k = body.Outputs.Count - n;
        if (n < 0 || k < 0)
        {
            throw ctx.Error($"{ctx.InputCount} inputs and {body.Outputs.Count} body outputs do not fit num_scan_inputs={m}");
        }
        var inAxes = ctx.Ints("scan_input_axes") ?? new long[m];
        var inDirs = ctx.Ints("scan_input_directions") ?? new long[m];
        var outAxes = ctx.Ints("scan_output_axes") ?? new long[k];
        var outDirs = ctx.Ints("scan_output_directions") ?? new long[k];
        var scanInputs = new Tensor[m];
        var axes = new int[m];
        int length = -1;
        for (int j = 0; j < m; j++)
        {
            scanInputs[j] = ctx.Input(n + j);
            axes[j] = AxisOps.Normalize(inAxes[j], scanInputs[j].Rank, "scan_input_axes entry");
            int len = scanInputs[j].Shape[axes[j]];
            if (length >= 0 && len != length)
            {
                throw ctx.Error($"scan inputs have different sequence lengths ({length} and {len})");
            }
            length = len;
        }
        var state = new IValue?[n];
        for (int i = 0; i < n; i++)
        {
            state[i] = ctx.Inputs[i];
        }
        var outs = RunLoop(ctx, body, state, t => Enumerable.Range(0, m).Select(j =>
            AxisOps.Take(scanInputs[j], axes[j], inDirs[j] == 1 ? length - 1 - t : t)).ToArray(), Math.Max(length, 0), k);
        var result = new IValue?[n + k];
        Array.Copy(state, result, n);
        for (int j = 0; j < k; j++)
        {
            if (outDirs[j] == 1)
            {
                outs[j].Reverse();
            }
            int elemRank = outs[j].Count > 0 ? outs[j][0].Rank : DeclaredRank(body.Outputs[n + j]);
            int axis = AxisOps.Normalize(outAxes[j], elemRank + 1, "scan_output_axes entry");
            result[n + j] = ControlFlow.StackOutputs(ctx, outs[j], body.Outputs[n + j], axis);
        }
        return result;
    }

    private static IValue?[] RunBatched(OpContext ctx, Graph body, int m)
    {
        var seqLens = ctx.OptionalInput(0);
        int n = ctx.InputCount - 1 - m;
        int k = body.Outputs.Count - n;
        if (n < 0 || k < 0)
        {
            throw ctx.Error($"{ctx.InputCount} inputs and {body.Outputs.Count} body outputs do not fit num_scan_inputs={m}");
        }
        var dirs = ctx.Ints("directions") ?? new long[m];
        var scanInputs = Enumerable.Range(0, m).Select(j => ctx.Input(1 + n + j)).ToArray();
        var states = Enumerable.Range(0, n).Select(i => ctx.Input(1 + i)).ToArray();
        int batch = m > 0 ? scanInputs[0].Shape[0] : states[0].Shape[0];
        int maxLen = m > 0 ? scanInputs[0].Shape[1] : 0;
        var lens = seqLens?.ToInt64s();
        var finalStates = new List<Tensor>[n];
        var scanOuts = new List<Tensor>[k];
        var perBatch = new List<List<Tensor>>[k];
        for (int i = 0; i < n; i++)
        {
            finalStates[i] = [];
        }
        for (int j = 0; j < k; j++)
        {
            scanOuts[j] = [];
            perBatch[j] = [];
        }
        for (int b = 0; b < batch; b++)
        {
            int len = lens is null ? maxLen : (int)lens[b];
            var slices = scanInputs.Select(x => AxisOps.Take(x, 0, b)).ToArray();
            var state = states.Select(s => (IValue?)AxisOps.Take(s, 0, b)).ToArray();
            var outs = RunLoop(ctx, body, state, t => Enumerable.Range(0, m).Select(j =>
                AxisOps.Take(slices[j], 0, dirs[j] == 1 ? len - 1 - t : t)).ToArray(), len, k);
            for (int i = 0; i < n; i++)
            {
                finalStates[i].Add((Tensor)state[i]!);
            }
            for (int j = 0; j < k; j++)
            {
                perBatch[j].Add(outs[j]);
            }
        }
        for (int j = 0; j < k; j++)
        {
            // Steps past a batch entry's length are undefined by the spec; they are left zero.
            var template = perBatch[j].FirstOrDefault(l => l.Count > 0)?[0];
            for (int b = 0; b < batch; b++)
            {
                var items = perBatch[j][b];
                while (template is not null && items.Count < maxLen)
                {
                    items.Add(Tensor.Create(template.DType, template.Shape));
                }
                scanOuts[j].Add(ControlFlow.StackOutputs(ctx, items, body.Outputs[n + j]));
            }
        }
        var result = new IValue?[n + k];
        for (int i = 0; i < n; i++)
        {
            result[i] = AxisOps.Stack(finalStates[i], 0);
        }
        for (int j = 0; j < k; j++)
        {
            result[n + j] = AxisOps.Stack(scanOuts[j], 0);
        }
        return result;
    }

    /// <summary>Runs <paramref name="length"/> iterations, updating <paramref name="state"/> in place; returns each scan output's per-step values.</summary>
    private static List<Tensor>[] RunLoop(OpContext ctx, Graph body, IValue?[] state, Func<int, Tensor[]> scanSlices, int length, int k)
    {
        int n = state.Length;
        var outs = new List<Tensor>[k];
        for (int j = 0; j < k; j++)
        {
            outs[j] = [];
        }
        for (int t = 0; t < length; t++)
        {
            var args = state.Concat(scanSlices(t)).ToArray();
            var r = ctx.RunSubgraph(body, args);
            for (int i = 0; i < n; i++)
            {
                state[i] = r[i];
            }
            for (int j = 0; j < k; j++)
            {
                outs[j].Add(r[n + j] as Tensor ?? throw ctx.Error($"scan output {j} must be a tensor"));
            }
        }
        return outs;
    }

    private static int DeclaredRank(ValueInfo vi) => vi.Type is { Kind: TypeKind.Tensor } t && t.Shape.HasRank ? t.Shape.Rank : 0;
}
