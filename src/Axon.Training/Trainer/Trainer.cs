using System.Diagnostics;
using Axon.Graph;
using Axon.Training.Checkpoints;
using Axon.Training.Data;
using Axon.Training.Distributed;
using Axon.Training.Optim;

namespace Axon.Training.Trainer;

/// <summary>The outcome of <see cref="Trainer.Run"/>.</summary>
public sealed record TrainResult(IReadOnlyList<EpochResult> Epochs, double TestAccuracy, long Steps, bool Resumed);

/// <summary>
/// The training loop: data-parallel replicas over shards of each global batch, a fixed-order mean of their gradients
/// (then across MPI ranks), clipping, the optimizer, BF16 rounding per <see cref="TrainOptions.Precision"/>, checkpoints
/// (rank 0) and a test-set evaluation each epoch. Given the same options and seed, a run is deterministic, and a run
/// resumed from a checkpoint continues bit for bit as if it had never stopped.
/// </summary>
public sealed partial class Trainer : IDisposable
{
    private readonly TrainProgram _program;
    private readonly TrainOptions _o;
    private readonly LabeledImages _train;
    private readonly LabeledImages? _test;
    private readonly ICommunicator _comm;
    private readonly Action<string> _log;
    private readonly Replica[] _replicas;
    private readonly float[][] _weights;
    private readonly float[][] _grads;
    private readonly float[] _flat;
    private readonly Tensor[] _computeParams;
    private readonly Dictionary<string, Tensor> _paramInputs = new(StringComparer.Ordinal);
    private readonly Optimizer _optimizer;
    private readonly LrSchedule _schedule;
    private readonly DataLoader _loader;
    private readonly SplitMix64 _rng;
    private readonly List<EpochResult> _history = [];
    private readonly int[] _sampleShape;
    private readonly float[][][] _replicaGrads;
    private readonly Axon.Kernels.Threading.WorkerPool? _replicaPool;
    private readonly TrainProfile? _profile;
    private readonly StepChunks? _chunks;
    private float[] _pixels = [];
    private readonly string[] _stateNames;
    private readonly float[][] _state;
    private readonly Tensor[] _stateTensors;
    private readonly float[] _stateFlat;
    private long _step;

    public Trainer(TrainProgram program, TrainOptions options, LabeledImages train, LabeledImages? test, ICommunicator? comm = null, Action<string>? log = null)
    {
        _program = program;
        _o = options;
        _train = train;
        _test = test;
        _comm = comm ?? new LocalCommunicator();
        _log = log ?? (_ => { });
        int shards = options.Cores * _comm.Size;
        if (options.Cores < 1)
        {
            throw new AxonInputException($"--cores must be at least 1, got {options.Cores}", "AXT113");
        }
        if (options.BatchSize % shards != 0)
        {
            throw new AxonInputException($"the global batch {options.BatchSize} must divide evenly over {shards} replicas ({options.Cores} cores x {_comm.Size} processes)", "AXT113");
        }
        _sampleShape = [train.Channels, train.Height, train.Width];
        _weights = program.Parameters.Select(p => program.InitialParameters[p].ReadOnlySpan<float>().ToArray()).ToArray();
        _grads = _weights.Select(w => new float[w.Length]).ToArray();
        _flat = new float[_weights.Sum(w => w.Length)];
        _computeParams = program.Parameters.Select(p => Tensor.Create(DType.Float32, program.InitialParameters[p].Shape)).ToArray();
        for (int i = 0; i < _computeParams.Length; i++)
        {
            _paramInputs[program.Parameters[i]] = _computeParams[i];
        }
        _stateNames = program.StateInputs.ToArray();
        _state = _stateNames.Select(n => program.InitialParameters[n].ReadOnlySpan<float>().ToArray()).ToArray();
        _stateTensors = _stateNames.Select(n => Tensor.Create(DType.Float32, program.InitialParameters[n].Shape)).ToArray();
        _stateFlat = new float[_state.Sum(a => a.Length)];
        for (int i = 0; i < _stateTensors.Length; i++)
        {
            _paramInputs[_stateNames[i]] = _stateTensors[i];
        }
        var sizes = _weights.Select(w => w.Length).ToArray();
        _optimizer = options.Optimizer.ToLowerInvariant() switch
        {
            "adamw" or "adam" => new AdamW(sizes, weightDecay: options.WeightDecay),
            "sgd" => new Sgd(sizes, options.Momentum, options.Nesterov, options.WeightDecay),
            var s => throw new AxonInputException($"optimizer must be adamw or sgd, not '{s}'", "AXT112"),
        };
        _loader = new DataLoader(train, options.BatchSize, shuffle: true, options.Seed);
        long total = (long)_loader.BatchesPerEpoch * options.Epochs;
        _schedule = options.Schedule.ToLowerInvariant() switch
        {
            "cosine" => LrSchedule.WarmupCosine(options.LearningRate, Math.Min(options.WarmupSteps, total / 10 + 1), total, options.LearningRate * 0.01f),
            "step" => LrSchedule.Step(options.LearningRate, Math.Max(1, _loader.BatchesPerEpoch), 0.5f, options.WarmupSteps),
            "constant" => LrSchedule.Constant(options.LearningRate),
            var s => throw new AxonInputException($"schedule must be cosine, step or constant, not '{s}'", "AXT112"),
        };
        _rng = new SplitMix64(options.Seed * 0xD1B54A32D192ED03UL + 0x5851F42D4C957F2DUL);
        _replicas = Enumerable.Range(0, options.Cores).Select(_ => new Replica(program, 1, train.Classes)).ToArray();
        _replicaGrads = _replicas.Select(r => r.Grads).ToArray();
        _replicaPool = options.Cores > 1 ? new Axon.Kernels.Threading.WorkerPool(options.Cores, "axon-replica") : null;
        _profile = TrainProfile.FromEnvironment(options.Cores);
        _chunks = _replicaPool is not null ? new StepChunks(_weights) : null;
        if (options.Precision == Precision.Bf16)
        {
            foreach (var w in _weights)
            {
                Bf16Rounding.Round(w, w, options.Rounding, _rng);
            }
        }
    }

    /// <summary>The master weights, in <see cref="TrainProgram.Parameters"/> order.</summary>
    public IReadOnlyList<float[]> Weights => _weights;

    public long Step => _step;

    /// <summary>Trains for the configured epochs (continuing from the newest valid checkpoint with <c>Resume</c>).</summary>
    public TrainResult Run(Action<TrainProgress>? progress = null, CancellationToken cancel = default)
    {
        int startEpoch = 0, startBatch = 0;
        double lossSum = 0, seconds = 0;
        long correct = 0, seen = 0;
        bool resumed = false;
        if (_o.Resume && _o.CheckpointDir is { } dir && CheckpointStore.LoadNewestValid(dir, _log) is { } c)
        {
            Restore(c);
            (startEpoch, startBatch, lossSum, correct, seen, seconds) = (c.Epoch, c.NextBatch, c.EpochLossSum, c.EpochCorrect, c.EpochSamples, c.EpochSeconds);
            resumed = true;
            _log($"resumed from '{c.Path}' at step {c.Step} (epoch {c.Epoch + 1}, batch {c.NextBatch})");
        }
        else if (_comm.Size > 1)
        {
            // Every rank starts from rank 0's weights.
            foreach (var w in _weights)
            {
                _comm.Broadcast(w);
            }
        }
        int shard = _o.BatchSize / _replicas.Length / _comm.Size;
        WarmUp(shard);
        for (int epoch = startEpoch; epoch < _o.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double before = seconds;
            _profile?.Begin();
            foreach (var batch in _loader.Epoch(epoch, epoch == startEpoch ? startBatch : 0))
            {
                cancel.ThrowIfCancellationRequested();
                _profile?.Lap(TrainPhase.DataWait);
                float lr = _schedule.At(_step);
                var (loss, good) = TrainStep(batch, shard, lr);
                lossSum += loss * batch.Count;
                correct += good;
                seen += batch.Count;
                _step++;
                double elapsed = before + clock.Elapsed.TotalSeconds;
                progress?.Invoke(new TrainProgress(epoch, batch.Index, _loader.BatchesPerEpoch, _step, loss, lossSum / seen, (double)correct / seen,
                    seen / Math.Max(1e-9, elapsed), lr));
                bool last = batch.Index == _loader.BatchesPerEpoch - 1;
                _profile?.Lap(TrainPhase.Bookkeeping);
                if (!last && _o.CheckpointEvery > 0 && _step % _o.CheckpointEvery == 0)
                {
                    SaveCheckpoint(epoch, batch.Index + 1, lossSum, correct, seen, elapsed);
                }
                if (_o.MaxSteps > 0 && _step >= _o.MaxSteps && !last)
                {
                    // Stopped mid-epoch: leave a checkpoint that continues exactly here.
                    SaveCheckpoint(epoch, batch.Index + 1, lossSum, correct, seen, elapsed);
                    return new TrainResult(_history.ToList(), _history.Count > 0 ? _history[^1].TestAccuracy : double.NaN, _step, resumed);
                }
            }
            seconds = before + clock.Elapsed.TotalSeconds;
            if (_profile is not null)
            {
                _log(_profile.Report(epoch + 1));
            }
            double testAcc = _o.Evaluate && _test is not null ? Evaluate(_test) : double.NaN;
            var result = new EpochResult(epoch + 1, lossSum / Math.Max(1, seen), (double)correct / Math.Max(1, seen), testAcc,
                seen / Math.Max(1e-9, seconds));
            _history.Add(result);
            _log($"epoch {result.Epoch}: loss {result.Loss:F4}, train accuracy {result.TrainAccuracy:P2}, test accuracy {result.TestAccuracy:P2}, {result.SamplesPerSecond:F0} samples/s");
            (lossSum, correct, seen, seconds) = (0, 0, 0, 0);
            SaveCheckpoint(epoch + 1, 0, 0, 0, 0, 0);
            if (_o.MaxSteps > 0 && _step >= _o.MaxSteps)
            {
                break;
            }
        }
        return new TrainResult(_history.ToList(), _history.Count > 0 ? _history[^1].TestAccuracy : double.NaN, _step, resumed);
    }

    private (double Loss, int Correct) TrainStep(Batch batch, int shard, float lr)
    {
        bool mixed = _o.Precision == Precision.Mixed;
        var pixels = batch.Pixels;
        if (mixed && _pixels.Length != pixels.Length)
        {
            _pixels = new float[pixels.Length];
        }
        if (_chunks is not null && (!mixed || _o.Rounding == Rounding.Nearest))
        {
            // The compute copy over the replica threads (no generator involved, so any split gives the same bits).
            int pixelRanges = mixed ? StepChunks.PixelRanges(pixels.Length) : 0;
            _replicaPool!.For(_chunks.Ranges.Length + pixelRanges, new PrepareBody(_weights, _computeParams, _chunks.Ranges, mixed, pixels, _pixels));
        }
        else
        {
            // The compute copy of the weights: BF16-rounded in mixed precision, the master weights otherwise.
            for (int p = 0; p < _weights.Length; p++)
            {
                var dst = _computeParams[p].Span<float>();
                if (mixed)
                {
                    Bf16Rounding.Round(_weights[p], dst, _o.Rounding, _rng);
                }
                else
                {
                    _weights[p].CopyTo(dst);
                }
            }
            if (mixed)
            {
                Bf16Rounding.Round(pixels, _pixels, Rounding.Nearest, null);
            }
        }
        if (mixed)
        {
            pixels = _pixels;
        }
        for (int i = 0; i < _state.Length; i++)
        {
            _state[i].CopyTo(_stateTensors[i].Span<float>());
        }
        _profile?.Lap(TrainPhase.Prepare);
        int rankOffset = _comm.Rank * _replicas.Length * shard;
        if (_replicas.Length == 1)
        {
            _replicas[0].Run(_paramInputs, pixels, batch.Labels, rankOffset, shard, _sampleShape, _o.Seed, _step);
        }
        else
        {
            // Replicas run on a dedicated pool (the caller is replica 0): no thread-pool hand-off per step.
            _replicaPool!.For(_replicas.Length, new ReplicaBody(_replicas, _paramInputs, pixels, batch.Labels, rankOffset, shard, _sampleShape, _o.Seed, _step));
        }
        _profile?.Lap(TrainPhase.Replicas, _replicas);
        // The gradient mean and the update over the replica threads where both are elementwise and local (see StepChunks).
        bool parallelTail = _chunks is not null && _comm.Size == 1 && _o.ClipNorm <= 0 && _o.Precision != Precision.Bf16;
        if (!parallelTail)
        {
            GradientAllReduce.Mean(_replicaGrads, _grads, _comm, _flat);
        }
        if (_state.Length > 0)
        {
            // Running statistics: the mean of every replica's update (each saw its own shard), the same fixed order.
            GradientAllReduce.Mean(_replicas.Select(r => r.States).ToArray(), _state, _comm, _stateFlat);
        }
        _profile?.Lap(TrainPhase.AllReduce);
        Span<double> stats = [0, 0];
        foreach (var r in _replicas)
        {
            stats[0] += r.Loss;
            stats[1] += r.Correct;
        }
        _comm.AllReduceSum(stats);
        if (parallelTail)
        {
            _optimizer.BeginStep();
            _replicaPool!.For(_chunks!.Ranges.Length, new ReduceUpdateBody(_replicaGrads, _grads, _weights, _chunks.Ranges, 1f / _replicas.Length, _optimizer, lr));
        }
        else
        {
            if (_o.ClipNorm > 0)
            {
                GradientClipping.ClipByGlobalNorm(_grads, _o.ClipNorm);
            }
            _optimizer.Step(_weights, _grads, lr);
        }
        if (_o.Precision == Precision.Bf16)
        {
            foreach (var w in _weights)
            {
                Bf16Rounding.Round(w, w, _o.Rounding, _rng);
            }
        }
        _profile?.Lap(TrainPhase.Optimizer);
        return (stats[0] / (_replicas.Length * _comm.Size), (int)stats[1]);
    }

    /// <summary>Top-1 accuracy of the current weights on <paramref name="data"/>.</summary>
    public double Evaluate(LabeledImages data, int batchSize = 500)
    {
        using var pool = new Axon.Kernels.Threading.WorkerPool(Math.Max(1, _o.Cores), "axon-eval");
        using var session = new Axon.Runtime.InferenceSession(_program.InferenceModel, pool);
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int p = 0; p < _weights.Length; p++)
        {
            inputs[_program.Parameters[p]] = Tensor.FromArray(_weights[p], _program.InitialParameters[_program.Parameters[p]].Shape);
        }
        for (int i = 0; i < _state.Length; i++)
        {
            inputs[_stateNames[i]] = Tensor.FromArray(_state[i], _program.InitialParameters[_stateNames[i]].Shape);
        }
        int size = data.SampleSize;
        long correct = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, data.Count - start);
            inputs["input"] = Tensor.FromArray(data.Pixels.AsSpan(start * size, n * size), [n, .. _sampleShape]);
            var logits = (Tensor)session.Run(inputs).First(o => o.Key == "logits").Value!;
            correct += Replica.CountCorrect(logits.ReadOnlySpan<float>(), data.Labels.AsSpan(start, n), data.Classes);
        }
        return (double)correct / Math.Max(1, data.Count);
    }

    /// <summary>The inference model with the current weights as initializers (input "input", output "logits").</summary>
    public Model ExportModel()
    {
        var g = _program.InferenceModel.Graph.Clone();
        for (int p = 0; p < _weights.Length; p++)
        {
            string name = _program.Parameters[p];
            g.Initializers[name] = Tensor.FromArray(_weights[p], _program.InitialParameters[name].Shape);
            g.Inputs.RemoveAll(i => i.Name == name);
        }
        for (int i = 0; i < _state.Length; i++)
        {
            string name = _stateNames[i];
            g.Initializers[name] = Tensor.FromArray(_state[i], _program.InitialParameters[name].Shape);
            g.Inputs.RemoveAll(v => v.Name == name);
        }
        var m = new Model(g) { ProducerName = "axon-train" };
        foreach (var kv in _program.InferenceModel.OpsetImports)
        {
            m.OpsetImports[kv.Key] = kv.Value;
        }
        return m;
    }

    private void SaveCheckpoint(int epoch, int nextBatch, double lossSum, long correct, long seen, double seconds)
    {
        if (_o.CheckpointDir is not { } dir || _comm.Rank != 0)
        {
            return;
        }
        var c = new Checkpoint
        {
            Step = _step, Epoch = epoch, NextBatch = nextBatch, Seed = _o.Seed, RngState = _rng.State,
            OptimizerName = _optimizer.Name, OptimizerSteps = _optimizer.Steps, Config = _o.ConfigKey,
            EpochLossSum = lossSum, EpochCorrect = correct, EpochSamples = seen, EpochSeconds = seconds,
        };
        for (int p = 0; p < _weights.Length; p++)
        {
            c.Parameters.Add((_program.Parameters[p], _program.InitialParameters[_program.Parameters[p]].Shape, _weights[p]));
        }
        for (int i = 0; i < _state.Length; i++)
        {
            // State after the parameters (older checkpoints of stateless models read unchanged).
            c.Parameters.Add((_stateNames[i], _program.InitialParameters[_stateNames[i]].Shape, _state[i]));
        }
        c.OptimizerState.AddRange(_optimizer.StateBuffers);
        c.History.AddRange(_history);
        CheckpointStore.Save(dir, c);
    }

    private void Restore(Checkpoint c)
    {
        if (c.Config != _o.ConfigKey)
        {
            throw new AxonInputException($"checkpoint '{c.Path}' was written by a different run ({c.Config}); this run is {_o.ConfigKey}", "AXT134");
        }
        if (c.Parameters.Count != _weights.Length + _state.Length || c.OptimizerState.Count != _optimizer.StateBuffers.Count)
        {
            throw new AxonInputException($"checkpoint '{c.Path}' holds {c.Parameters.Count} parameters and state tensors; the model has {_weights.Length + _state.Length}", "AXT134");
        }
        for (int i = 0; i < _state.Length; i++)
        {
            var (name, _, data) = c.Parameters[_weights.Length + i];
            if (name != _stateNames[i] || data.Length != _state[i].Length)
            {
                throw new AxonInputException($"checkpoint '{c.Path}' state {i} is '{name}' ({data.Length} values); the model expects '{_stateNames[i]}' ({_state[i].Length})", "AXT134");
            }
            data.CopyTo(_state[i], 0);
        }
        for (int p = 0; p < _weights.Length; p++)
        {
            var (name, _, data) = c.Parameters[p];
            if (name != _program.Parameters[p] || data.Length != _weights[p].Length)
            {
                throw new AxonInputException($"checkpoint '{c.Path}' parameter {p} is '{name}' ({data.Length} values); the model expects '{_program.Parameters[p]}' ({_weights[p].Length})", "AXT134");
            }
            data.CopyTo(_weights[p], 0);
        }
        for (int s = 0; s < c.OptimizerState.Count; s++)
        {
            c.OptimizerState[s].CopyTo(_optimizer.StateBuffers[s], 0);
        }
        _optimizer.Steps = c.OptimizerSteps;
        _step = c.Step;
        _rng.State = c.RngState;
        _history.Clear();
        _history.AddRange(c.History);
    }

    public void Dispose()
    {
        foreach (var r in _replicas)
        {
            r.Dispose();
        }
        _replicaPool?.Dispose();
    }

    private readonly struct ReplicaBody(Replica[] replicas, IReadOnlyDictionary<string, Tensor> parameters, float[] pixels, int[] labels,
        int offset, int shard, int[] sampleShape, ulong seed, long step) : Axon.Kernels.Threading.IParallelBody
    {
        public void Invoke(int r) => replicas[r].Run(parameters, pixels, labels, offset + r * shard, shard, sampleShape, seed, step);
    }
}
