using Axon.Targets.Lowering;

namespace Axon.Targets.Simulation;

/// <summary>
/// Tile-level event simulation of one NeuronCore running a lowered model, after the cost rules of the NKI architecture
/// guides: the tensor engine is a rows x cols systolic array whose MultiplyMoving instruction costs max(N, init) cycles
/// for a moving tile of free size N (four times that in FP32), with a stationary tile of at most cols free elements and
/// contraction of at most rows partitions, so partial tiles cost a whole tile (tile quantization); ScalarE and VectorE
/// stream 128 lanes, one element per lane per cycle per pass, each instruction at least a fixed overhead; DMA moves
/// weights that do not fit in SBUF (and activations that spill) at the core's share of HBM/DMA bandwidth, with a fixed
/// setup cost per node transfer (the 16 queues of a core hide it between chunks). Each node is split into output-tile chunks that flow DMA-in → PE → ACT → DVE → DMA-out on
/// four engines that run concurrently (double-buffered: weights for chunk c may load while chunk c-2 computes, and
/// a node's weights may prefetch while the previous node runs). The calibrated factors scale the tensor engine's
/// sustained rate and add per-node dispatch and per-inference runtime/host overheads.
/// </summary>
internal static class NeuronSimulator
{
    private const int MaxChunks = 16;

    /// <summary>Fraction of SBUF the compiler can give to resident weights; the rest holds activations.</summary>
    private const double WeightShare = 0.5;

    public static CoreProjection Simulate(Workload w, DeviceSpec d, string requested, int batch)
    {
        var te = d.Tensor ?? throw new AxonInputException($"device '{d.Id}' has no tensor engine description", "AXT008");
        var ve = d.Vector ?? new LaneEngineSpec { Ghz = te.Ghz };
        var se = d.Scalar ?? ve;
        var cal = d.Calibration;
        var (prec, note) = Precision.OnDevice(d, requested);
        int bytes = Precision.Bytes(prec);
        double peCostFactor = prec switch
        {
            "fp32" => te.Fp32CostFactor,
            "fp8" or "int8" => 1.0 / Math.Max(1, te.Fp8Speedup),
            _ => 1.0,
        };
        double peHz = te.Ghz * 1e9 * Math.Max(1e-3, cal.TensorEfficiency);
        double dmaBps = Math.Min(d.MemoryGbpsPerChip, d.DmaGbpsPerChip > 0 ? d.DmaGbpsPerChip : double.MaxValue) * 1e9 / d.CoresPerChip;
        double weightBytesTotal = (double)w.WeightElements * bytes;
        bool weightsResident = weightBytesTotal <= WeightShare * d.SbufBytes;
        double activationBudget = (1 - WeightShare) * d.SbufBytes;

        double dmaFree = 0, peFree = 0, actFree = 0, dveFree = 0;
        double ready = 0, prefetchGate = 0;
        double peBusy = 0, dmaBusy = 0, vecBusy = 0, overhead = 0, usefulFlops = 0;
        var nodes = new List<NodeProjection>();
        foreach (var item in w.Items)
        {
            if (item.Kind == WorkKind.Free)
            {
                continue;
            }
            double peS = item.Kind == WorkKind.Matmul ? MatmulCycles(item, te) * peCostFactor / peHz : 0;
            double actS = LaneSeconds(item, item.ScalarPasses, se);
            double dveS = LaneSeconds(item, item.VectorPasses, ve);
            double ioBytes = (double)(item.InputElements + item.OutputElements) * bytes;
            bool spill = item.Kind == WorkKind.Move || ioBytes > activationBudget;
            double weightS = weightsResident ? 0 : (double)item.WeightElements * bytes / dmaBps;
            double inS = spill ? (double)item.InputElements * bytes / dmaBps : 0;
            double outS = spill ? (double)item.OutputElements * bytes / dmaBps : 0;
            double fixedS = d.DmaFixedUs * 1e-6;
            int chunks = Chunks(item);

            double start = ready, end = ready;
            var peStarts = new double[chunks];
            for (int c = 0; c < chunks; c++)
            {
                double wIn = weightS / chunks, aIn = inS / chunks;
                double inStart = Math.Max(dmaFree, c < 2 ? prefetchGate : peStarts[c - 2]);
                if (aIn > 0)
                {
                    inStart = Math.Max(inStart, ready);
                }
                double inEnd = wIn + aIn > 0 ? inStart + wIn + aIn + (c == 0 ? fixedS : 0) : inStart;
                dmaFree = Math.Max(dmaFree, inEnd);
                double peStart = Math.Max(Math.Max(peFree, inEnd), ready);
                peStarts[c] = peStart;
                double peEnd = peStart + peS / chunks;
                peFree = peEnd;
                double actStart = Math.Max(actFree, peEnd), actEnd = actStart + actS / chunks;
                actFree = actEnd;
                double dveStart = Math.Max(dveFree, actEnd), dveEnd = dveStart + dveS / chunks;
                dveFree = dveEnd;
                double outEnd = dveEnd;
                if (outS > 0)
                {
                    double outStart = Math.Max(dmaFree, dveEnd);
                    outEnd = outStart + outS / chunks + (c == 0 ? fixedS : 0);
                    dmaFree = outEnd;
                }
                end = Math.Max(end, outEnd);
            }
            double nodeOverhead = cal.NodeOverheadUs * 1e-6;
            double dmaS = weightS + inS + outS + (weightS + inS > 0 ? fixedS : 0) + (outS > 0 ? fixedS : 0);
            peBusy += peS;
            vecBusy += Math.Max(actS, dveS);
            dmaBusy += dmaS;
            overhead += nodeOverhead;
            usefulFlops += item.MatmulFlops;
            double time = end - start + nodeOverhead;
            var bound = Classify(peS + Math.Max(actS, dveS), dmaS, nodeOverhead + (dmaS > 0 ? fixedS : 0));
            double peak = PeakFlops(d, prec);
            nodes.Add(new NodeProjection(item.Node, item.Op, time * 1e6, bound, peak > 0 && time > 0 ? item.MatmulFlops / (time * peak) : 0));
            prefetchGate = ready;
            ready = end + nodeOverhead;
        }
        double latency = ready + cal.InferenceOverheadUs * 1e-6;
        overhead += cal.InferenceOverheadUs * 1e-6;
        var notes = new List<string>();
        if (note is not null)
        {
            notes.Add(note);
        }
        notes.Add(weightsResident
            ? $"weights ({weightBytesTotal / 1048576:F1} MiB) stay in SBUF"
            : $"weights ({weightBytesTotal / 1048576:F1} MiB) exceed half of SBUF ({d.SbufBytes / 1048576.0:F0} MiB): streamed from HBM every inference");
        double peakCore = PeakFlops(d, prec);
        return new CoreProjection
        {
            Device = d.Id,
            BatchSize = batch,
            Precision = prec,
            LatencyMs = latency * 1e3,
            Bound = Classify(peBusy + vecBusy, dmaBusy, overhead),
            Utilization = peakCore > 0 ? usefulFlops / (latency * peakCore) : 0,
            ErrorBand = cal.ErrorBand,
            Nodes = nodes,
            Notes = notes,
        };
    }

    /// <summary>Tensor-engine cycles of a [Batches x M x K x N] product, the cheaper of the two operand orientations.</summary>
    internal static double MatmulCycles(WorkItem item, TensorEngineSpec te) =>
        item.Batches * Math.Min(Orientation(item.M, item.N, item.K, te), Orientation(item.N, item.M, item.K, te));

    /// <summary>
    /// Stationary tiles of at most Cols free elements cover <paramref name="stationary"/>; the other dimension streams as
    /// moving tiles of at most MovingFreeMax; contraction is split into Rows-deep passes that accumulate in PSUM.
    /// Each MultiplyMoving costs max(free, init) cycles; LoadStationary runs in the background and is up to 4x
    /// cheaper, so it never dominates at these tile sizes.
    /// </summary>
    private static double Orientation(long moving, long stationary, long k, TensorEngineSpec te)
    {
        long kTiles = Ceil(k, te.Rows);
        long sTiles = Ceil(stationary, te.Cols);
        long full = moving / te.MovingFreeMax;
        long rest = moving % te.MovingFreeMax;
        double perStationary = full * Math.Max(te.MovingFreeMax, te.MmInitCycles) + (rest > 0 ? Math.Max(rest, te.MmInitCycles) : 0);
        return kTiles * sTiles * perStationary;
    }

    /// <summary>Seconds of a lane engine: rows go to partitions (128 at a time), each instruction at least the static overhead.</summary>
    internal static double LaneSeconds(WorkItem item, int passes, LaneEngineSpec e)
    {
        if (passes <= 0 || item.VectorElements <= 0)
        {
            return 0;
        }
        long rows = Math.Max(1, item.VectorRows);
        double free = (double)item.VectorElements / rows;
        long rowTiles = Ceil(rows, e.Lanes);
        double cycles = passes * rowTiles * Math.Max(free, e.StaticOverheadCycles);
        return cycles / (e.Ghz * 1e9);
    }

    private static int Chunks(WorkItem item) => (int)Math.Clamp(item.Kind == WorkKind.Matmul
        ? item.Batches * Ceil(item.M, 128) * Ceil(item.N, 512)
        : Ceil(Math.Max(1, item.VectorRows), 128), 1, MaxChunks);

    internal static double PeakFlops(DeviceSpec d, string prec) => d.PeakTflopsPerCore.GetValueOrDefault(prec) * 1e12;

    internal static Bound Classify(double compute, double memory, double overhead) =>
        overhead >= compute && overhead >= memory ? Bound.Overhead : memory > compute ? Bound.Memory : Bound.Compute;

    private static long Ceil(long a, long b) => (a + b - 1) / b;
}
