using System.Diagnostics;
using System.Text;

namespace Axon.Training.Trainer;

/// <summary>Where a training step's time goes (see <see cref="TrainProfile"/>).</summary>
internal enum TrainPhase
{
    /// <summary>Waiting for the data loader's next batch.</summary>
    DataWait,

    /// <summary>Compute copy of the weights (BF16 rounding in mixed precision) and the batch's pixels.</summary>
    Prepare,

    /// <summary>Forward and backward of every replica (wall time of the parallel section).</summary>
    Replicas,

    /// <summary>Fixed-order gradient mean over replicas and ranks.</summary>
    AllReduce,

    /// <summary>Loss/accuracy reduction, clipping, the optimizer step.</summary>
    Optimizer,

    /// <summary>Progress reporting and checkpoint decisions in the loop.</summary>
    Bookkeeping,
}

/// <summary>
/// Per-phase wall time of the training loop, GC counts and bytes allocated, reported once per epoch. Enabled by
/// <c>AXON_TRAIN_PROFILE=1</c> (off: the trainer holds no profile and pays nothing). The replica line shows each
/// replica's own busy time next to the parallel section's wall time: the gap is imbalance and hand-off.
/// </summary>
internal sealed class TrainProfile(int replicas)
{
    private readonly double[] _seconds = new double[Enum.GetValues<TrainPhase>().Length];
    private readonly double[] _replicaBusy = new double[replicas];
    private long _last;
    private long _steps;
    private int _gen0, _gen1, _gen2;
    private long _allocated;
    private double _pauseMs;
    private Dictionary<string, double> _threads = [];
    private TimeSpan _processCpu;
    private long _jitMethods;
    private TimeSpan _jitTime;

    public static TrainProfile? FromEnvironment(int replicas) =>
        Environment.GetEnvironmentVariable("AXON_TRAIN_PROFILE") is "1" or "true" ? new TrainProfile(replicas) : null;

    public void Begin()
    {
        Array.Clear(_seconds);
        Array.Clear(_replicaBusy);
        _steps = 0;
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
        _allocated = GC.GetTotalAllocatedBytes();
        _pauseMs = GC.GetTotalPauseDuration().TotalMilliseconds;
        _threads = ThreadCpu.Snapshot();
        _processCpu = Environment.CpuUsage.TotalTime;
        _jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
        _jitTime = System.Runtime.JitInfo.GetCompilationTime();
        _last = Stopwatch.GetTimestamp();
    }

    public void Lap(TrainPhase phase, Replica[]? replicas = null)
    {
        long now = Stopwatch.GetTimestamp();
        _seconds[(int)phase] += Stopwatch.GetElapsedTime(_last, now).TotalSeconds;
        _last = now;
        if (phase == TrainPhase.DataWait)
        {
            _steps++;
        }
        if (replicas is not null)
        {
            for (int r = 0; r < replicas.Length && r < _replicaBusy.Length; r++)
            {
                _replicaBusy[r] += replicas[r].LastSeconds;
            }
        }
    }

    public string Report(int epoch)
    {
        double total = _seconds.Sum();
        var sb = new StringBuilder($"profile epoch {epoch}: {_steps} steps, {total:F2} s, per step {1000 * total / Math.Max(1, _steps):F2} ms:");
        foreach (var phase in Enum.GetValues<TrainPhase>())
        {
            double s = _seconds[(int)phase];
            sb.Append($" {phase} {1000 * s / Math.Max(1, _steps):F2} ms ({100 * s / Math.Max(1e-9, total):F0}%)");
        }
        sb.Append("; replica busy per step:");
        foreach (double b in _replicaBusy)
        {
            sb.Append($" {1000 * b / Math.Max(1, _steps):F2} ms");
        }
        sb.Append($"; GC gen0/1/2 {GC.CollectionCount(0) - _gen0}/{GC.CollectionCount(1) - _gen1}/{GC.CollectionCount(2) - _gen2}");
        sb.Append($", pause {GC.GetTotalPauseDuration().TotalMilliseconds - _pauseMs:F0} ms");
        sb.Append($", allocated {(GC.GetTotalAllocatedBytes() - _allocated) / Math.Max(1, _steps) / 1024.0:F0} KiB per step");
        sb.Append($"; JIT {System.Runtime.JitInfo.GetCompiledMethodCount() - _jitMethods} methods in {(System.Runtime.JitInfo.GetCompilationTime() - _jitTime).TotalMilliseconds:F0} ms");
        if (ThreadCpu.Since(_threads, _processCpu) is { Length: > 0 } threads)
        {
            sb.Append($"; CPU by thread: {threads}");
        }
        return sb.ToString();
    }
}
