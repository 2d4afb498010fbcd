namespace Axon.Serving.Repository;

/// <summary>
/// One loaded model version as the protocol layer sees it. The transport layers (HTTP, gRPC) depend only on this; the
/// runtime-specific adapter lives in <see cref="RuntimeModel"/>.
/// </summary>
internal interface IServedModel : IDisposable
{
    string Name { get; }
    string Version { get; }
    string Platform { get; }
    IReadOnlyList<TensorSpec> Inputs { get; }
    IReadOnlyList<TensorSpec> Outputs { get; }

    /// <summary>Largest first dimension one request may carry (0 = the model does not batch).</summary>
    int MaxBatchSize { get; }

    /// <summary>Runs the model on checked inputs; returns every output in declaration order.</summary>
    Task<IReadOnlyList<KeyValuePair<string, Tensor>>> InferAsync(IReadOnlyDictionary<string, Tensor> inputs, Protocol.RequestPolicy policy, CancellationToken ct);
}
