namespace Axon.Serving.Protocol;

/// <summary>A decoded input tensor of a request (HTTP and gRPC decode to the same thing).</summary>
internal sealed record InferInput(string Name, Tensor Tensor);

/// <summary>An output the client asked for, and whether it wants it as binary data (HTTP only).</summary>
internal sealed record RequestedOutput(string Name, bool Binary);

/// <summary>A transport-neutral inference request after decoding (nothing checked against the model yet).</summary>
internal sealed class InferRequest
{
    public string? Id { get; init; }
    public List<InferInput> Inputs { get; } = [];

    /// <summary>Null: every output, in model order.</summary>
    public List<RequestedOutput>? Outputs { get; set; }

    /// <summary>Schedule policy: the <c>priority</c> (1 = high) and <c>timeout</c> (microseconds) request parameters.</summary>
    public RequestPolicy Policy { get; set; } = RequestPolicy.Default;

    /// <summary>The request-level <c>binary_data_output</c> parameter: the default for outputs not named in <see cref="Outputs"/>.</summary>
    public bool BinaryOutputs { get; set; }
}

/// <summary>How the runtime should schedule a request: high priority goes first; a timeout fails it if it has no result by then.</summary>
internal sealed record RequestPolicy(bool HighPriority, TimeSpan? Timeout)
{
    public static readonly RequestPolicy Default = new(false, null);

    /// <summary>From the schedule policy extension's parameters (either may be absent).</summary>
    public static RequestPolicy From(long? priority, long? timeoutMicroseconds)
    {
        if (priority is < 0)
        {
            throw ServingException.BadRequest(ServingCodes.BadField, $"parameter 'priority' must be >= 0 (1 = highest), got {priority}");
        }
        if (timeoutMicroseconds is < 0 or > 3_600_000_000)
        {
            throw ServingException.BadRequest(ServingCodes.BadField, $"parameter 'timeout' must be in 0..3600000000 microseconds, got {timeoutMicroseconds}");
        }
        return priority is null or 0 && timeoutMicroseconds is null or 0
            ? Default
            : new RequestPolicy(priority == 1, timeoutMicroseconds is > 0 and var t ? TimeSpan.FromTicks(t * 10) : null);
    }
}

/// <summary>One output tensor of a response, with how it is to be written.</summary>
internal sealed record InferOutput(string Name, Tensor Tensor, bool Binary);

/// <summary>A finished inference, ready to encode.</summary>
internal sealed record InferResponse(string ModelName, string ModelVersion, string? Id, IReadOnlyList<InferOutput> Outputs);

/// <summary>Shape checks shared by every decoder: dims are non-negative, fit an int, and the element count is bounded.</summary>
internal static class Shapes
{
    /// <summary>The most elements one tensor of a request may have (larger requests are refused before allocating).</summary>
    public const long MaxElements = 1L << 28;

    public static int[] Check(IReadOnlyList<long> dims, string what)
    {
        if (dims.Count > 16)
        {
            throw ServingException.BadRequest(ServingCodes.BadShape, $"{what}: rank {dims.Count} is more than 16");
        }
        var shape = new int[dims.Count];
        long n = 1;
        for (int i = 0; i < dims.Count; i++)
        {
            long d = dims[i];
            if (d < 0 || d > int.MaxValue)
            {
                throw ServingException.BadRequest(ServingCodes.BadShape, $"{what}: dimension {i} is {d}; dims must be in 0..{int.MaxValue}");
            }
            shape[i] = (int)d;
            n = d == 0 ? 0 : n > MaxElements / d ? MaxElements + 1 : n * d;
        }
        if (n > MaxElements)
        {
            throw ServingException.BadRequest(ServingCodes.TooManyElements,
                $"{what}: shape [{string.Join(",", dims)}] has more than {MaxElements} elements");
        }
        return shape;
    }

    public static long Count(int[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }
        return n;
    }

    public static string Text(IEnumerable<long> dims) => "[" + string.Join(",", dims) + "]";
}
