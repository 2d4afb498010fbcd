using Axon.Graph;

namespace Axon.Training.Trainer;

/// <summary>
/// What the training loop runs: a training graph (parameters are graph inputs; outputs the loss, one gradient per
/// parameter and optionally the logits), an inference graph over the same parameters (input <c>input</c>, output
/// <c>logits</c>), and the initial parameter values. The gradient graph may come from autograd or be written by hand.
/// </summary>
public sealed class TrainProgram
{
    /// <summary>Inputs: the data inputs and every parameter. Outputs: <see cref="LossOutput"/>, the gradients, maybe logits.</summary>
    public required Model TrainModel { get; init; }

    public required string LossOutput { get; init; }

    /// <summary>Parameter names, in a fixed order (the optimizer and checkpoints index by it).</summary>
    public required IReadOnlyList<string> Parameters { get; init; }

    /// <summary>Parameter name to the training graph's output holding its gradient.</summary>
    public required IReadOnlyDictionary<string, string> GradientOf { get; init; }

    /// <summary>The training graph's image input ([batch, C, H, W] float).</summary>
    public string ImageInput { get; init; } = "input";

    /// <summary>The training graph's label input: int64 [batch] class indices or float [batch, classes] one-hot, by its declared type.</summary>
    public string LabelInput { get; init; } = "labels";

    /// <summary>A training-graph output with the logits (for training accuracy), if it has one.</summary>
    public string? LogitsOutput { get; init; }

    /// <summary>Inputs: <c>input</c> and every parameter; output <c>logits</c>.</summary>
    public required Model InferenceModel { get; init; }

    public required IReadOnlyDictionary<string, Tensor> InitialParameters { get; init; }

    /// <summary>
    /// Non-trainable state (BatchNorm running statistics): training-graph input → the output with its value after the
    /// step. The trainer feeds the state each step, keeps the mean of the replicas' updates (over ranks too), checkpoints
    /// it, and feeds it to the inference graph, which takes every state input as an input as well.
    /// </summary>
    public IReadOnlyDictionary<string, string> StateOf { get; init; } = new Dictionary<string, string>();

    /// <summary>The state inputs in a fixed order (checkpoints store state after the parameters, in this order).</summary>
    public IReadOnlyList<string> StateInputs => StateOf.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Model name for exports.</summary>
    public string Name { get; init; } = "model";
}
