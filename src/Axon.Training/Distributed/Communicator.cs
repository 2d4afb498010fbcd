namespace Axon.Training.Distributed;

/// <summary>Collective operations across the processes of one training run (one process: nothing to do).</summary>
public interface ICommunicator : IDisposable
{
    int Rank { get; }
    int Size { get; }

    /// <summary>Replaces every element by its sum over all ranks.</summary>
    void AllReduceSum(Span<float> data);

    /// <summary>Replaces every element by its sum over all ranks (double precision).</summary>
    void AllReduceSum(Span<double> data);

    /// <summary>Copies <paramref name="data"/> from <paramref name="root"/> to every rank.</summary>
    void Broadcast(Span<float> data, int root = 0);
}

/// <summary>The single-process communicator.</summary>
public sealed class LocalCommunicator : ICommunicator
{
    public int Rank => 0;
    public int Size => 1;
    public void AllReduceSum(Span<float> data) { }
    public void AllReduceSum(Span<double> data) { }
    public void Broadcast(Span<float> data, int root = 0) { }
    public void Dispose() { }
}

/// <summary>Chooses MPI when the process was started by Open MPI's <c>mpirun</c>, otherwise the local communicator.</summary>
public static class Communicators
{
    /// <summary>True when Open MPI's launcher set <c>OMPI_COMM_WORLD_SIZE</c>.</summary>
    public static bool LaunchedByMpirun => int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE"), out int n) && n >= 1;

    public static ICommunicator Create() => LaunchedByMpirun ? MpiCommunicator.Init() : new LocalCommunicator();
}

/// <summary>
/// Sums replica gradients in a fixed order (replica 0, 1, 2, ...), so the result does not depend on which replica
/// finished first; then sums across processes and divides by the total number of replicas (the mean of shard means
/// equals the global-batch mean when shards are equal).
/// </summary>
public static class GradientAllReduce
{
    public static void Mean(IReadOnlyList<float[][]> replicaGrads, float[][] result, ICommunicator comm, float[] flat)
    {
        int replicas = replicaGrads.Count;
        int offset = 0;
        for (int p = 0; p < result.Length; p++)
        {
            var dst = result[p];
            replicaGrads[0][p].AsSpan().CopyTo(dst);
            for (int r = 1; r < replicas; r++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(dst, replicaGrads[r][p], dst);
            }
            dst.CopyTo(flat.AsSpan(offset));
            offset += dst.Length;
        }
        comm.AllReduceSum(flat.AsSpan(0, offset));
        float inv = 1f / (replicas * comm.Size);
        offset = 0;
        for (int p = 0; p < result.Length; p++)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(flat.AsSpan(offset, result[p].Length), inv, result[p]);
            offset += result[p].Length;
        }
    }
}
