using System.Diagnostics;

namespace Axon.Training.Trainer;

public sealed partial class Trainer
{
    /// <summary>
    /// Builds every replica's execution plan and JIT-compiles the kernels with throw-away forward/backward steps on zero
    /// images before the epoch clock starts, so samples/s measures training, not compilation (the time is logged). It
    /// reads no random numbers and changes no state the next step does not overwrite, so runs stay bit-for-bit
    /// reproducible.
    /// </summary>
    /// <remarks>
    /// One step compiles every method at .NET's first tier. The runtime then recompiles the hot ones (about 1,500 methods
    /// for the CNN, 1-1.5 s of CPU on a background thread) once they have been called 30 times; inside the epoch that work
    /// costs nothing at one replica, where it runs on an idle core, but at one replica per core it takes a core from a
    /// replica and every other replica waits for it at the step's all-reduce. With <see cref="TrainOptions.WarmupSeconds"/>
    /// above 0 the warm-up keeps stepping until no method has been compiled for <see cref="JitQuietSeconds"/> (at most
    /// that long), so the epoch runs the final code from its first step.
    /// </remarks>
    private void WarmUp(int shard)
    {
        var clock = Stopwatch.StartNew();
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
        int steps = 0;
        long first = System.Runtime.JitInfo.GetCompiledMethodCount(), compiled = first;
        double lastCompile = 0;
        bool settled = false;
        while (true)
        {
            if (_replicaPool is null)
            {
                _replicas[0].Run(_paramInputs, pixels, labels, 0, shard, _sampleShape);
            }
            else
            {
                _replicaPool.For(_replicas.Length, new ReplicaBody(_replicas, _paramInputs, pixels, labels, 0, shard, _sampleShape, 0, 0));
            }
            steps++;
            double now = clock.Elapsed.TotalSeconds;
            long c = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (c != compiled)
            {
                (compiled, lastCompile) = (c, now);
            }
            else if (steps >= JitMinSteps && now - lastCompile >= JitQuietSeconds)
            {
                settled = true;
                break;
            }
            if (now >= _o.WarmupSeconds)
            {
                break;
            }
        }
        string jit = _o.WarmupSeconds <= 0 ? "" : settled ? ", JIT settled" : $", JIT still compiling after {_o.WarmupSeconds:F1} s";
        _log($"compiled the training graph and warmed {_replicas.Length} replica(s) in {clock.Elapsed.TotalSeconds:F2} s ({steps} step(s), {compiled - first} methods compiled{jit})");
    }

    /// <summary>Steps without a newly compiled method that end the warm-up (the runtime's call counting needs 30 calls).</summary>
    private const int JitMinSteps = 32;

    private const double JitQuietSeconds = 0.3;
}
