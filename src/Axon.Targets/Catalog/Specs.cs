using System.Text.Json.Serialization;

namespace Axon.Targets;

/// <summary>Systolic-array (tensor engine) parameters of a NeuronCore generation.</summary>
public sealed record TensorEngineSpec
{
    public int Rows { get; init; } = 128;
    public int Cols { get; init; } = 128;
    public double Ghz { get; init; }
    public int MovingFreeMax { get; init; } = 512;
    public int MmInitCycles { get; init; } = 64;
    public double Fp32CostFactor { get; init; } = 4;
    public double Fp8Speedup { get; init; } = 1;
}

/// <summary>A vector-style engine (VectorE, ScalarE): lanes, clock and the fixed cost of one instruction.</summary>
public sealed record LaneEngineSpec
{
    public int Lanes { get; init; } = 128;
    public double Ghz { get; init; }
    public int StaticOverheadCycles { get; init; } = 100;
}

/// <summary>GPU layout parameters used by the roofline model (SM count for wave quantization, GEMM tile).</summary>
public sealed record GpuSpec
{
    public int Sms { get; init; }
    public double L2Mib { get; init; }
    public int TileM { get; init; } = 128;
    public int TileN { get; init; } = 128;
}

/// <summary>The fitted efficiency factors of one device generation and the error band its projections carry.</summary>
public sealed record CalibrationSpec
{
    public double TensorEfficiency { get; init; } = 1;
    public double NodeOverheadUs { get; init; }
    public double InferenceOverheadUs { get; init; }
    public double ComputeEfficiency { get; init; } = 1;
    public double MemoryEfficiency { get; init; } = 1;
    public double LaunchOverheadUs { get; init; }
    public double ErrorBand { get; init; } = 0.3;
    public string Source { get; init; } = "";
    public string Date { get; init; } = "";
}

/// <summary>One accelerator generation (a NeuronCore, a GPU) or the local CPU. Rates are per core (per GPU).</summary>
public sealed record DeviceSpec
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public string Name { get; init; } = "";
    public string Chip { get; init; } = "";
    public int CoresPerChip { get; init; } = 1;
    public Dictionary<string, double> PeakTflopsPerCore { get; init; } = [];

    /// <summary>Precision the device runs instead of one it lacks (fp32 → bf16 on Inferentia).</summary>
    public Dictionary<string, string> Autocast { get; init; } = [];
    public TensorEngineSpec? Tensor { get; init; }
    public LaneEngineSpec? Vector { get; init; }
    public LaneEngineSpec? Scalar { get; init; }
    public GpuSpec? Gpu { get; init; }
    public long SbufBytes { get; init; }
    public long PsumBytes { get; init; }
    public double MemoryGibPerChip { get; init; }
    public double MemoryGbpsPerChip { get; init; }
    public double DmaGbpsPerChip { get; init; }
    public double DmaFixedUs { get; init; }
    public string Interconnect { get; init; } = "";
    public CalibrationSpec Calibration { get; init; } = new();
    public string Source { get; init; } = "";
    public string Date { get; init; } = "";

    [JsonIgnore]
    public bool IsNeuron => Kind == "neuron";

    [JsonIgnore]
    public bool IsGpu => Kind == "gpu";
}

/// <summary>A rentable instance type: how many chips/cores of which device, host size, network and prices per region.</summary>
public sealed record InstanceSpec
{
    public required string Name { get; init; }
    public required string Device { get; init; }
    public int Chips { get; init; }
    public int Cores { get; init; }
    public int Vcpu { get; init; }
    public double MemoryGib { get; init; }
    public double NetworkGbps { get; init; }
    public double AcceleratorMemoryGib { get; init; }

    /// <summary>Accelerator-to-accelerator bandwidth inside the instance, GB/s (NeuronLink, NVSwitch); 0 when none.</summary>
    public double PeerToPeerGbytes { get; init; }

    /// <summary>On-demand USD per hour by region.</summary>
    public Dictionary<string, double> Prices { get; init; } = [];
    public string? PriceNote { get; init; }
    public string? Role { get; init; }
    public string Source { get; init; } = "";
    public string Date { get; init; } = "";

    /// <summary>The family prefix ("inf2" of "inf2.xlarge") that purchase-model discounts are keyed by.</summary>
    [JsonIgnore]
    public string Family => Name.Split('.')[0];
}

/// <summary>A purchase model (on-demand, reserved, savings plan, spot) as a fractional discount per instance family.</summary>
public sealed record PurchaseModel
{
    public required string Id { get; init; }
    public string Name { get; init; } = "";
    public Dictionary<string, double> Discount { get; init; } = [];
    public string Source { get; init; } = "";
    public string Date { get; init; } = "";

    public double DiscountFor(string family) =>
        Discount.TryGetValue(family, out double d) ? d : Discount.GetValueOrDefault("default");
}

/// <summary>A published benchmark figure the performance model is checked against.</summary>
public sealed record BenchmarkRow
{
    public required string Id { get; init; }
    public string Model { get; init; } = "";
    public BenchmarkShape Shape { get; init; } = new();
    public required string Instance { get; init; }
    public int BatchSize { get; init; }
    public string Precision { get; init; } = "bf16";

    /// <summary>throughput (inferences/s, whole instance), latency_ms (one core/GPU), or train_throughput (samples/s, all nodes).</summary>
    public string Metric { get; init; } = "throughput";
    public double Value { get; init; }

    /// <summary>calibration (used to fit the factors) or holdout (only checked).</summary>
    public string Role { get; init; } = "holdout";
    public int Nodes { get; init; } = 1;
    public string? Note { get; init; }
    public string Source { get; init; } = "";
    public string Date { get; init; } = "";
}

/// <summary>The architecture of a benchmarked model, enough to rebuild its shape.</summary>
public sealed record BenchmarkShape
{
    public string Kind { get; init; } = "bert";
    public int Layers { get; init; }
    public int Hidden { get; init; }
    public int Heads { get; init; }
    public int Ffn { get; init; }
    public int Seq { get; init; } = 128;
}
