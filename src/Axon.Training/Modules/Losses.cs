using Axon.Graph;
using Axon.Graph.Builder;

namespace Axon.Training;

using Graph = Axon.Graph.Graph;

/// <summary>Loss heads that turn a module into a training forward graph for <see cref="Autograd.Build"/>.</summary>
public static class Losses
{
    /// <summary>The name of the loss output of every graph built here.</summary>
    public const string LossOutput = "loss";

    /// <summary>The name of the logits output (for accuracy during training).</summary>
    public const string LogitsOutput = "logits";

    /// <summary>The int64 labels input [batch] (or [batch, d...] for dense predictions).</summary>
    public const string LabelsInput = "labels";

    /// <summary>
    /// The training forward graph: input "input" of <paramref name="inputShape"/> (first dim is the batch, a symbol by
    /// default), "labels" int64 [batch], the model in training mode, then mean softmax cross-entropy of its logits.
    /// Outputs: "loss" (scalar) and "logits".
    /// </summary>
    public static Graph SoftmaxCrossEntropy(Module model, object[] inputShape, ulong seed = 1, string inputName = "input", DType inputType = DType.Float32)
    {
        var b = new GraphBuilder(model.GetType().Name.ToLowerInvariant() + "_train");
        var x = b.Input(inputName, inputType, inputShape);
        var labelShape = new object[] { inputShape[0] };
        var labels = b.Input(LabelsInput, DType.Int64, labelShape);
        var ctx = new ForwardContext(b, training: true, seed);
        var logits = ctx.Run(model, x);
        b.Output(logits, LogitsOutput);
        b.Output(b.Node("SoftmaxCrossEntropyLoss", [new Value(LogitsOutput), labels], Attr.Of("reduction", "mean")), LossOutput);
        return b.Build().Graph;
    }

    /// <summary>
    /// Attaches mean softmax cross-entropy to an existing graph's logits (fine-tuning): adds the "labels" input (int64,
    /// the logits' batch dim) and the "loss" output; the graph is copied, not changed.
    /// </summary>
    public static Graph AttachSoftmaxCrossEntropy(Graph graph, string logits)
    {
        var g = graph.Clone();
        if (g.Inputs.Any(i => i.Name == LabelsInput) || g.Nodes.Any(n => n.Outputs.Contains(LossOutput)))
        {
            throw new AxonModelException($"the graph already has a value named '{LabelsInput}' or '{LossOutput}'", "AXG012");
        }
        var batch = g.TypeOf(logits) is { Kind: TypeKind.Tensor, Shape.HasRank: true } t ? t.Shape[0] : Dim.Sym("batch");
        g.Inputs.Add(new ValueInfo(LabelsInput, TypeInfo.Tensor(DType.Int64, new SymShape([batch]))));
        var n = new Node("SoftmaxCrossEntropyLoss", [logits, LabelsInput], [LossOutput], "loss");
        n.SetAttr(Attr.Of("reduction", "mean"));
        g.Nodes.Add(n);
        g.Outputs.Add(new ValueInfo(LossOutput, TypeInfo.Tensor(DType.Float32, SymShape.Of(Array.Empty<long>()))));
        return g;
    }
}
