using Axon.Serving.Grpc.Protocol;
using Axon.Serving.Metrics;

namespace Axon.Serving.Grpc;

/// <summary>The statistics extension's gRPC messages, built from the same <see cref="KServeModelStats"/> as the HTTP body.</summary>
internal static class GrpcStatistics
{
    public static ModelStatistics ToProto(KServeModelStats s)
    {
        var m = new ModelStatistics
        {
            Name = s.Name,
            Version = s.Version,
            LastInference = (ulong)s.LastInferenceUnixMs,
            InferenceCount = (ulong)s.InferenceCount,
            ExecutionCount = (ulong)s.ExecutionCount,
            InferenceStats = new InferStatistics
            {
                Success = D(s.Success),
                Fail = D(s.Fail),
                Queue = D(s.Queue),
                ComputeInput = D(KServeModelStats.None),
                ComputeInfer = D(s.ComputeInfer),
                ComputeOutput = D(KServeModelStats.None),
                CacheHit = D(KServeModelStats.None),
                CacheMiss = D(KServeModelStats.None),
            },
        };
        foreach (var (size, infer) in s.Batches)
        {
            m.BatchStats.Add(new InferBatchStatistics
            {
                BatchSize = (ulong)size,
                ComputeInput = D(KServeModelStats.None),
                ComputeInfer = D(infer),
                ComputeOutput = D(KServeModelStats.None),
            });
        }
        if (s.MemoryBytes > 0)
        {
            m.MemoryUsage.Add(new MemoryUsage { Type = "CPU", Id = 0, ByteSize = (ulong)s.MemoryBytes });
        }
        return m;
    }

    private static StatisticDuration D(StatDuration d) => new() { Count = (ulong)d.Count, Ns = (ulong)d.Ns };
}
