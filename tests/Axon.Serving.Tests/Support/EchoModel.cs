using Axon.Serving.Repository;

namespace Axon.Serving.Tests.Support;

/// <summary>
/// A fake model that returns each input as the output of the same index (input "x_fp32" -> output "y_fp32"): the protocol
/// tests check every datatype end to end without depending on what the runtime supports. Optionally slow, to hold
/// requests in flight during shutdown tests.
/// </summary>
internal sealed class EchoModel : IServedModel
{
    public static readonly DType[] AllTypes =
    [
        DType.Bool, DType.UInt8, DType.UInt16, DType.UInt32, DType.UInt64, DType.Int8, DType.Int16, DType.Int32, DType.Int64,
        DType.Float16, DType.BFloat16, DType.Float32, DType.Float64, DType.String,
    ];

    private int _running;

    public EchoModel(string name, string version, TimeSpan delay = default, int maxBatch = 0)
    {
        Name = name;
        Version = version;
        Delay = delay;
        MaxBatchSize = maxBatch;
        Inputs = AllTypes.Select(t => new TensorSpec("x_" + Suffix(t), t, [-1])).ToList();
        Outputs = AllTypes.Select(t => new TensorSpec("y_" + Suffix(t), t, [-1])).ToList();
    }

    public static string Suffix(DType t) => Protocol.Datatypes.Name(t).ToLowerInvariant();

    public string Name { get; }
    public string Version { get; }
    public string Platform => "echo";
    public TimeSpan Delay { get; }
    public IReadOnlyList<TensorSpec> Inputs { get; }
    public IReadOnlyList<TensorSpec> Outputs { get; }
    public int MaxBatchSize { get; }
    public int Running => Volatile.Read(ref _running);
    public bool Disposed { get; private set; }
    public Protocol.RequestPolicy? LastPolicy { get; private set; }

    public async Task<IReadOnlyList<KeyValuePair<string, Tensor>>> InferAsync(IReadOnlyDictionary<string, Tensor> inputs, Protocol.RequestPolicy policy, CancellationToken ct)
    {
        Interlocked.Increment(ref _running);
        LastPolicy = policy;
        try
        {
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, CancellationToken.None);
            }
            return Inputs.Select((s, i) => new KeyValuePair<string, Tensor>(Outputs[i].Name, inputs[s.Name])).ToList();
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public void Dispose() => Disposed = true;
}
