using Axon.Graph;
using Axon.Onnx;

namespace Axon.Training;

/// <summary>
/// Fine-tuning an existing model: its float initializers (all, or those a filter picks) become parameters, and a loss
/// is attached to one of its outputs. The training graph runs at opset 21, so the model must use opset 13 or later
/// (the opset where Softmax, ReduceSum, Squeeze/Unsqueeze and Split took their current forms).
/// </summary>
public static class FineTuning
{
    /// <summary>
    /// The training graph of <paramref name="model"/> with mean softmax cross-entropy on <paramref name="logitsOutput"/>
    /// (default: the first output), training the initializers for which <paramref name="trainable"/> is true (default:
    /// every float initializer the loss depends on; pass e.g. <c>n =&gt; n.StartsWith("classifier")</c> to train the head only).
    /// </summary>
    public static TrainingGraph Prepare(Model model, string? logitsOutput = null, Func<string, bool>? trainable = null)
    {
        long opset = model.OpsetFor("");
        if (opset is > 0 and < 13)
        {
            throw new AxonModelException($"fine-tuning needs a model at opset 13 or later, this one is at opset {opset}", "AXG013");
        }
        var logits = logitsOutput ?? model.Graph.Outputs.FirstOrDefault()?.Name
            ?? throw new AxonModelException("the model has no outputs to attach a loss to", "AXG012");
        if (!model.Graph.Outputs.Any(o => o.Name == logits))
        {
            throw new AxonModelException($"the model has no output named '{logits}' (outputs: {string.Join(", ", model.Graph.Outputs.Select(o => o.Name))})", "AXG012");
        }
        var forward = Losses.AttachSoftmaxCrossEntropy(model.Graph, logits);
        IEnumerable<string>? parameters = trainable is null ? null
            : forward.Initializers.Where(kv => kv.Value.DType.IsFloat() && trainable(kv.Key)).Select(kv => kv.Key).ToList();
        return Autograd.Build(forward, Losses.LossOutput, parameters);
    }

    /// <summary>Loads an ONNX file and prepares it as <see cref="Prepare(Model, string?, Func{string, bool}?)"/> does.</summary>
    public static TrainingGraph Prepare(string onnxPath, string? logitsOutput = null, Func<string, bool>? trainable = null) =>
        Prepare(OnnxModel.Load(onnxPath), logitsOutput, trainable);
}
