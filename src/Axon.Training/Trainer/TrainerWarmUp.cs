using System.Diagnostics;
using System.Runtime;
using Axon.Training.Data;

namespace Axon.Training.Trainer;

public sealed partial class Trainer
{
    /// <summary>Samples per replica in the JIT warm-up's steps: a full 6-row GEMM tile and more, a fraction of a real shard's cost.</summary>
    private const int JitWarmupShard = 8;

    /// <summary>Steps without a newly compiled method that end the JIT warm-up (the runtime's call counting needs 30 calls per tier).</summary>
    private const int JitMinSteps = 64;

    private const double JitQuietSeconds = 0.3;

    /// <summary>
    /// Builds every replica's execution plan and JIT-compiles the kernels with a throw-away forward/backward on zero
    /// images before the epoch clock starts, so samples/s measures training, not compilation (the time is logged). It
    /// reads no random numbers and leaves no state behind, so runs stay bit-for-bit reproducible.
    /// </summary>
    /// <remarks>
    /// That first step compiles every method at .NET's first tier. The runtime then recompiles the hot ones twice more
    /// (instrumented, then optimized with the profile: about 1,500 methods for the CNN, 1-1.5 s of CPU on one background
    /// thread) once they have been called 30 times at each tier. Inside the epoch that work is free at one replica, where
    /// it runs on the idle core, but at one replica per core it takes a core from a replica and the other replica waits
    /// for it at the step's gradient mean: the 2-core epoch lost about a second to it. With
    /// <see cref="TrainOptions.WarmupSeconds"/> above 0 (and one process: an MPI rank must not step alone), the warm-up
    /// then runs whole training steps (data, compute copy, replicas, gradient mean, optimizer) on a small zero batch until
    /// no method has been compiled for <see cref="JitQuietSeconds"/> or the time is up, and restores the weights, optimizer
    /// state and generator it touched.
    /// </remarks>
    private void WarmUp(int shard)
    {
        var clock = Stopwatch.StartNew();
        long first = JitInfo.GetCompiledMethodCount();
        for (int p = 0; p < _weights.Length; p++)
        {
            _weights[p].CopyTo(_computeParams[p].Span<float>());
        }
        for (int i = 0; i < _state.Length; i++)
        {
            _state[i].CopyTo(_stateTensors[i].Span<float>());
        }
        var pixels = new float[_o.BatchSize / _comm.Size * _train.SampleSize];
        var labels = new int[_o.BatchSize / _comm.Size];
        if (_replicaPool is null)
        {
            _replicas[0].Run(_paramInputs, pixels, labels, 0, shard, _sampleShape);
        }
        else
        {
            _replicaPool.For(_replicas.Length, new ReplicaBody(_replicas, _paramInputs, pixels, labels, 0, shard, _sampleShape, 0, 0));
        }
        int steps = 1;
        string jit = "";
        if (_o.WarmupSeconds > 0 && _comm.Size == 1)
        {
            (steps, bool settled) = WarmUpJit(clock, Math.Min(shard, JitWarmupShard));
            jit = settled ? ", JIT settled" : $", JIT still compiling after {_o.WarmupSeconds:F1} s";
        }
        _log($"compiled the training graph and warmed {_replicas.Length} replica(s) in {clock.Elapsed.TotalSeconds:F2} s " +
            $"({steps} step(s), {JitInfo.GetCompiledMethodCount() - first} methods compiled{jit})");
    }

    private (int Steps, bool Settled) WarmUpJit(Stopwatch clock, int shard)
    {
        var weights = _weights.Select(w => w.ToArray()).ToArray();
        var state = _state.Select(s => s.ToArray()).ToArray();
        var optimizerState = _optimizer.StateBuffers.Select(b => b.ToArray()).ToArray();
        long optimizerSteps = _optimizer.Steps;
        ulong rng = _rng.State;
        int count = shard * _replicas.Length;
        var batch = new Batch(0, 0, count, new float[count * _train.SampleSize], new int[count]);
        int steps = 1;
        long compiled = JitInfo.GetCompiledMethodCount();
        double lastCompile = clock.Elapsed.TotalSeconds;
        bool settled = false;
        while (clock.Elapsed.TotalSeconds < _o.WarmupSeconds)
        {
            TrainStep(batch, shard, 0f);
            steps++;
            double now = clock.Elapsed.TotalSeconds;
            long c = JitInfo.GetCompiledMethodCount();
            if (c != compiled)
            {
                (compiled, lastCompile) = (c, now);
            }
            else if (steps > JitMinSteps && now - lastCompile >= JitQuietSeconds)
            {
                settled = true;
                break;
            }
        }
        for (int p = 0; p < weights.Length; p++)
        {
            weights[p].CopyTo(_weights[p], 0);
        }
        for (int i = 0; i < state.Length; i++)
        {
            state[i].CopyTo(_state[i], 0);
        }
        for (int b = 0; b < optimizerState.Length; b++)
        {
            optimizerState[b].CopyTo(_optimizer.StateBuffers[b], 0);
        }
        _optimizer.Steps = optimizerSteps;
        _rng.State = rng;
        return (steps, settled);
    }
}
