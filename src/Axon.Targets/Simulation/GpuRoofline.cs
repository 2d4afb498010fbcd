using Axon.Targets.Lowering;

namespace Axon.Targets.Simulation;

/// <summary>
/// A GPU as a roofline per kernel: each lowered node is one kernel whose time is the larger of its tensor-core time
/// (wave-quantized: output tiles, split along K when too few to fill the SMs, are spread over the SMs and a partial last wave costs a whole wave) and its memory time
/// (weights plus activations in and out at sustained bandwidth), plus a launch overhead. Matrix work runs on tensor
/// cores at the precision's peak; everything else on the FP32 pipes. Fitted factors: compute and memory efficiency and
/// the launch overhead.
/// </summary>
internal static class GpuRoofline
{
    public static CoreProjection Simulate(Workload w, DeviceSpec d, string requested, int batch)
    {
        var (prec, note) = Precision.OnDevice(d, requested);
        var gpu = d.Gpu ?? new GpuSpec { Sms = 1 };
        var cal = d.Calibration;
        int bytes = Precision.Bytes(prec);
        double peak = d.PeakTflopsPerCore.GetValueOrDefault(prec) * 1e12 * Math.Max(1e-3, cal.ComputeEfficiency);
        double fp32 = d.PeakTflopsPerCore.GetValueOrDefault("fp32", d.PeakTflopsPerCore.Values.DefaultIfEmpty(1).Min()) * 1e12 * Math.Max(1e-3, cal.ComputeEfficiency);
        double bw = d.MemoryGbpsPerChip * 1e9 * Math.Max(1e-3, cal.MemoryEfficiency);
        double launch = cal.LaunchOverheadUs * 1e-6;
        double total = 0, cBusy = 0, mBusy = 0, oBusy = 0, useful = 0;
        var nodes = new List<NodeProjection>();
        foreach (var item in w.Items)
        {
            if (item.Kind == WorkKind.Free)
            {
                continue;
            }
            double compute = 0;
            if (item.Kind == WorkKind.Matmul)
            {
                long tiles = item.Batches * Ceil(item.M, gpu.TileM) * Ceil(item.N, gpu.TileN);
                int sms = Math.Max(1, gpu.Sms);
                // Too few output tiles to fill the SMs: split K (as cuBLAS/TensorRT do) up to 128-deep slices.
                long split = tiles >= sms ? 1 : Math.Max(1, Math.Min(sms / tiles, item.K / 128));
                long waves = Ceil(tiles * split, sms);
                double perTile = 2.0 * gpu.TileM * gpu.TileN * Math.Ceiling((double)item.K / split);
                compute = waves * perTile / (peak / sms);
            }
            compute += (double)item.VectorElements * Math.Max(1, item.VectorPasses + item.ScalarPasses) / fp32;
            double memory = (double)(item.WeightElements + item.InputElements + item.OutputElements) * bytes / bw;
            double t = Math.Max(compute, memory) + launch;
            total += t;
            cBusy += compute;
            mBusy += memory;
            oBusy += launch;
            useful += item.MatmulFlops;
            double p = d.PeakTflopsPerCore.GetValueOrDefault(prec) * 1e12;
            nodes.Add(new NodeProjection(item.Node, item.Op, t * 1e6, NeuronSimulator.Classify(compute, memory, launch), p > 0 ? item.MatmulFlops / (t * p) : 0));
        }
        double peakRaw = d.PeakTflopsPerCore.GetValueOrDefault(prec) * 1e12;
        return new CoreProjection
        {
            Device = d.Id,
            BatchSize = batch,
            Precision = prec,
            LatencyMs = total * 1e3,
            Bound = NeuronSimulator.Classify(cBusy, mBusy, oBusy),
            Utilization = peakRaw > 0 && total > 0 ? useful / (total * peakRaw) : 0,
            ErrorBand = cal.ErrorBand,
            Nodes = nodes,
            Notes = note is null ? [] : [note],
        };
    }

    private static long Ceil(long a, long b) => (a + b - 1) / b;
}
