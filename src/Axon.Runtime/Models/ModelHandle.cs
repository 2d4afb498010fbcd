using System.Diagnostics;
using Axon.Graph;

namespace Axon.Runtime;

/// <summary>
/// A model resident in an <see cref="AxonRuntime"/>: its replicas on their cores, its request queue and its metrics.
/// <see cref="Run"/> executes on the caller's thread (on the least busy replica); <see cref="RunAsync"/> goes through
/// the model's queue and dynamic batcher. Disposing (or unloading through the registry) drains it: queued and running
/// requests finish, later ones fail with <see cref="ModelUnloadedException"/>.
/// </summary>
public sealed class ModelHandle : IDisposable
{
    private readonly InferenceSession _session;
    private readonly Replica[] _replicas;
    private readonly ShapeRules _rules;
    private readonly DynamicBatcher _batcher;
    private readonly Action<ModelHandle>? _onDisposed;
    private int _direct;
    private int _closed;
    private int _roundRobin;

    internal ModelHandle(LoadedModel loaded, IReadOnlyList<Replica> replicas, InferenceSession session, ShapeRules rules, Action<ModelHandle>? onDisposed)
    {
        Name = loaded.Name;
        Version = loaded.Version;
        Options = loaded.Options;
        _session = session;
        _replicas = [.. replicas];
        _rules = rules;
        _onDisposed = onDisposed;
        Inputs = session.Inputs;
        Outputs = session.Outputs;
        WeightBytes = loaded.WeightBytes;
        Source = loaded.Source;
        _batcher = new DynamicBatcher(this, rules, _replicas, Options.Batching);
    }

    public string Name { get; }
    public int Version { get; }

    /// <summary>The options the model was loaded with.</summary>
    public ModelOptions Options { get; }

    /// <summary>Where the model came from (a file path, or "memory").</summary>
    public string Source { get; }

    public IReadOnlyList<ValueInfo> Inputs { get; }
    public IReadOnlyList<ValueInfo> Outputs { get; }

    /// <summary>The most rows the batcher puts in one batch (null when requests are never batched together).</summary>
    public int? MaxBatchSize => _batcher.MaxBatchSize > 1 ? _batcher.MaxBatchSize : null;

    /// <summary>Batch sizes the model runs at (empty = any).</summary>
    public IReadOnlyList<int> BatchProfiles => _rules.Profiles;

    public Placement Placement => Options.Placement;

    /// <summary>Replicas and the cores each one uses.</summary>
    public IReadOnlyList<IReadOnlyList<LogicalCore>> ReplicaCores => _replicas.Select(r => r.Cores).ToList();

    /// <summary>Every core the model uses.</summary>
    public IReadOnlyList<LogicalCore> Cores => _replicas.SelectMany(r => r.Cores).Distinct().ToList();

    /// <summary>Bytes of the model's weights (shared by its replicas).</summary>
    public long WeightBytes { get; }

    /// <summary>Bytes of one replica's activation arena, planned at the largest batch it will run.</summary>
    public long ArenaBytes { get; internal set; }

    /// <summary>What the model accounts: weights once plus one arena per replica.</summary>
    public long MemoryBytes => WeightBytes + ArenaBytes * _replicas.Length;

    public ModelMetrics Metrics { get; } = new();

    /// <summary>True once unloading has begun: new requests are refused.</summary>
    public bool IsUnloaded => Volatile.Read(ref _closed) != 0;

    /// <summary>Runs the model on the calling thread (no batching with other requests), on the least busy replica.</summary>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs)
    {
        Interlocked.Increment(ref _direct);
        try
        {
            if (IsUnloaded)
            {
                throw new ModelUnloadedException($"model '{Name}' version {Version} was unloaded");
            }
            Metrics.Started();
            long t0 = Stopwatch.GetTimestamp();
            try
            {
                Validate(inputs);
                var (padded, original) = _rules.PadBuckets(inputs);
                int rows = _rules.RowsOf(padded);
                var outputs = _rules.SliceBuckets(Execute(PickReplica(), padded, rows), original);
                Metrics.Succeeded(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                return outputs;
            }
            catch (Exception e)
            {
                Metrics.Failed(e);
                throw;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _direct);
        }
    }

    /// <summary>
    /// Queues the request for the model's dynamic batcher and completes with exactly this request's outputs. Fails with
    /// <see cref="QueueFullException"/> at once when the queue is full, <see cref="RequestTimeoutException"/> after the
    /// timeout, and is cancelled when <paramref name="cancellationToken"/> fires before the request started.
    /// </summary>
    public Task<IReadOnlyDictionary<string, Tensor>> RunAsync(IReadOnlyDictionary<string, Tensor> inputs, RequestOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (IsUnloaded)
        {
            return Task.FromException<IReadOnlyDictionary<string, Tensor>>(new ModelUnloadedException($"model '{Name}' version {Version} was unloaded"));
        }
        return _batcher.Submit(inputs, options, cancellationToken);
    }

    /// <summary>Checks names, dtypes, ranks and fixed dims of the caller's inputs.</summary>
    internal void Validate(IReadOnlyDictionary<string, Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var vi in Inputs)
        {
            if (!inputs.TryGetValue(vi.Name, out var t) || t is null)
            {
                throw new AxonInputException($"input '{vi.Name}' was not given to model '{Name}' (it takes: {string.Join(", ", Inputs.Select(x => x.Name))})", "AXON201");
            }
            InputValidator.Check(vi, t);
        }
        CheckSymbols(inputs);
        if (inputs.Count != Inputs.Count)
        {
            var extra = inputs.Keys.First(k => !Inputs.Any(v => v.Name == k));
            throw new AxonInputException($"model '{Name}' has no input named '{extra}' (inputs: {string.Join(", ", Inputs.Select(x => x.Name))})", "AXON202");
        }
    }

    // A symbolic dim (e.g. 'sequence') must have one size across all inputs of a request.
    private void CheckSymbols(IReadOnlyDictionary<string, Tensor> inputs)
    {
        Dictionary<string, (int Size, string Input)>? seen = null;
        foreach (var vi in Inputs)
        {
            if (vi.Type.Kind != TypeKind.Tensor || !vi.Type.Shape.HasRank)
            {
                continue;
            }
            var t = inputs[vi.Name];
            for (int d = 0; d < vi.Type.Shape.Rank; d++)
            {
                if (vi.Type.Shape[d].Symbol is not { } sym)
                {
                    continue;
                }
                seen ??= new(StringComparer.Ordinal);
                if (seen.TryGetValue(sym, out var prior) && prior.Size != t.Shape[d])
                {
                    throw new AxonInputException($"inputs disagree on dimension '{sym}': '{prior.Input}' has {prior.Size}, '{vi.Name}' has {t.Shape[d]}", "AXON207");
                }
                seen[sym] = (t.Shape[d], vi.Name);
            }
        }
    }

    /// <summary>Runs bucket-padded inputs of <paramref name="rows"/> rows at the model's batch profiles on one replica.</summary>
    internal Dictionary<string, Tensor> Execute(Replica replica, IReadOnlyDictionary<string, Tensor> inputs, int rows) =>
        _rules.RunRows(inputs, rows, (part, count) =>
        {
            BeforeExecute?.Invoke(part, count);
            long t0 = Stopwatch.GetTimestamp();
            var outs = replica.Execute(part);
            Metrics.Executed(count, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            return outs;
        });

    /// <summary>Test seam: called with every execution's inputs and real row count before it runs.</summary>
    internal Action<IReadOnlyDictionary<string, Tensor>, int>? BeforeExecute { get; set; }

    private Replica PickReplica()
    {
        if (_replicas.Length == 1)
        {
            return _replicas[0];
        }
        int start = (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)_replicas.Length);
        var best = _replicas[start];
        for (int i = 1; i < _replicas.Length; i++)
        {
            var r = _replicas[(start + i) % _replicas.Length];
            if (r.Active < best.Active)
            {
                best = r;
            }
        }
        return best;
    }

    internal InferenceSession Session => _session;

    internal IReadOnlyList<Replica> Replicas => _replicas;

    /// <summary>Drains and releases the model: queued and running requests complete, new ones are refused.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        _batcher.Drain();
        SpinWait.SpinUntil(() => Volatile.Read(ref _direct) == 0);
        foreach (var r in _replicas)
        {
            r.Dispose();
        }
        _session.Dispose();
        _onDisposed?.Invoke(this);
    }

    public override string ToString() => $"{Name}:{Version}";
}
