using Axon.Graph;

namespace Axon.Training;

using Graph = Axon.Graph.Graph;

/// <summary>
/// A forward graph with its loss and backward pass, as one IR graph that any executor runs (the compiled
/// <c>InferenceSession</c> path or the reference executor). Parameters are graph <em>inputs</em>, so a trainer feeds
/// the current values each step; the outputs are the loss, one gradient per parameter and the state updates.
/// </summary>
public sealed class TrainingGraph
{
    internal TrainingGraph(Graph graph, string lossOutput, IReadOnlyList<string> parameters, IReadOnlyDictionary<string, string> gradientOf,
        IReadOnlyList<string> dataInputs, IReadOnlyDictionary<string, string> stateOutputs, IReadOnlyDictionary<string, Tensor> initialValues)
    {
        Graph = graph;
        LossOutput = lossOutput;
        Parameters = parameters;
        GradientOf = gradientOf;
        DataInputs = dataInputs;
        StateOf = stateOutputs;
        StateOutputs = stateOutputs.Values.ToList();
        InitialValues = initialValues;
    }

    /// <summary>The training graph: inputs are the data inputs, then the parameters, then the state values.</summary>
    public Graph Graph { get; }

    /// <summary>The output holding the scalar loss.</summary>
    public string LossOutput { get; }

    /// <summary>Trainable parameters (graph inputs), in a stable order.</summary>
    public IReadOnlyList<string> Parameters { get; }

    /// <summary>For each parameter, the graph output holding its gradient (same shape as the parameter).</summary>
    public IReadOnlyDictionary<string, string> GradientOf { get; }

    /// <summary>Inputs the data pipeline feeds (images, labels, token ids).</summary>
    public IReadOnlyList<string> DataInputs { get; }

    /// <summary>
    /// Non-trainable state (e.g. BatchNorm running statistics): state input name → the output holding its new value
    /// after this step. A trainer feeds the state in and replaces it with the output after each step.
    /// </summary>
    public IReadOnlyDictionary<string, string> StateOf { get; }

    /// <summary>The outputs listed in <see cref="StateOf"/>, in the same order.</summary>
    public IReadOnlyList<string> StateOutputs { get; }

    /// <summary>State input names (the keys of <see cref="StateOf"/>).</summary>
    public IReadOnlyList<string> StateInputs => StateOf.Keys.ToList();

    /// <summary>Starting values of parameters and state, taken from the forward graph's initializers.</summary>
    public IReadOnlyDictionary<string, Tensor> InitialValues { get; }

    /// <summary>The training graph as a model (opset 21 plus the "axon" domain of the gradient ops).</summary>
    public Model ToModel()
    {
        var m = new Model(Graph) { ProducerName = "axon-autograd" };
        m.OpsetImports[""] = 21;
        m.OpsetImports["axon"] = 1;
        return m;
    }
}
