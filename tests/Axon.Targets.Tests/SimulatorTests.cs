using Axon.Graph.Builder;
using Axon.Targets.Lowering;
using Axon.Targets.Simulation;

namespace Axon.Targets.Tests;

/// <summary>Hand-checkable numbers: one MatMul of known shape on NeuronCore-v2 with the calibration factors neutral.</summary>
public class SimulatorTests
{
    private static DeviceSpec NeutralV2() => TargetCatalog.Load("").Device("neuroncore-v2") with
    {
        Calibration = new CalibrationSpec { TensorEfficiency = 1, NodeOverheadUs = 0, InferenceOverheadUs = 0, ErrorBand = 0.2, Source = "test", Date = "test" },
    };

    private static Workload SingleMatMul(int m, int k, int n)
    {
        var b = new GraphBuilder("mm");
        var x = b.Input("x", DType.Float32, "batch", k);
        b.Output(b.MatMul(x, b.RandomWeight("w", [k, n], 1)), "y");
        return WorkloadLowering.Lower(WorkloadLowering.Bind(b.Build(), m, new Dictionary<string, long>()));
    }

    [Fact]
    public void MatMulLowersToOneTensorEngineItem()
    {
        var w = SingleMatMul(256, 512, 1024);
        var item = Assert.Single(w.Items, i => i.Kind != WorkKind.Free);
        Assert.Equal((1L, 256L, 512L, 1024L), (item.Batches, item.M, item.K, item.N));
        Assert.Equal(512L * 1024, item.WeightElements);
        Assert.Equal(2.0 * 256 * 512 * 1024, item.MatmulFlops);
    }

    [Fact]
    public void MatMulCyclesFollowTheTileRules()
    {
        var te = NeutralV2().Tensor!;
        var w = SingleMatMul(256, 512, 1024).Items.Single(i => i.Kind == WorkKind.Matmul);
        // Weights stationary: K/128 = 4 passes x N/128 = 8 stationary tiles x one 256-wide moving tile = 8192 cycles
        // (the other orientation, 4 x 2 x two 512-wide tiles, is the same).
        Assert.Equal(8192, NeuronSimulator.MatmulCycles(w, te));
        // Tile quantization: a 129-deep contraction takes two passes of the 128-row array, as many cycles as 256.
        var k129 = SingleMatMul(256, 129, 1024).Items.Single(i => i.Kind == WorkKind.Matmul);
        var k256 = SingleMatMul(256, 256, 1024).Items.Single(i => i.Kind == WorkKind.Matmul);
        Assert.Equal(2 * 8 * 256, NeuronSimulator.MatmulCycles(k129, te));
        Assert.Equal(NeuronSimulator.MatmulCycles(k256, te), NeuronSimulator.MatmulCycles(k129, te));
        // Tiny moving tiles pay the 64-cycle initiation interval: M = 8 costs as if 64 wide.
        var w8 = SingleMatMul(8, 512, 1024).Items.Single(i => i.Kind == WorkKind.Matmul);
        Assert.Equal(4 * 8 * 64, NeuronSimulator.MatmulCycles(w8, te));
    }

    [Fact]
    public void MatMulLatencyOnNeuronCoreV2IsHandCheckable()
    {
        var d = NeutralV2();
        var w = SingleMatMul(256, 512, 1024);
        var bf16 = NeuronSimulator.Simulate(w, d, "bf16", 256);
        // 4 chunks (2 row tiles x 2 moving tiles): PE 8192 cycles / 2.8 GHz = 2.9257 us in total; the ScalarE evacuation
        // of the last chunk (256 x 1024 / 4 elements over 128 lanes = 512 cycles / 1.4 GHz = 0.3657 us) trails it.
        // Weights (1 MiB bf16) stay in SBUF, so no DMA.
        Assert.Equal(8192 / 2.8e3 + 512 / 1.4e3, bf16.LatencyMs * 1e3, 3);
        Assert.Equal(Bound.Compute, bf16.Bound);
        // FP32 matmuls cost four times the cycles.
        var fp32 = NeuronSimulator.Simulate(w, d, "fp32", 256);
        Assert.Equal(4 * 8192 / 2.8e3 + 512 / 1.4e3, fp32.LatencyMs * 1e3, 3);
        // Utilization: 268 MFLOP over the latency at the 92 TFLOPS peak.
        Assert.Equal(2.0 * 256 * 512 * 1024 / (bf16.LatencyMs / 1e3 * 92e12), bf16.Utilization, 6);
    }

    [Fact]
    public void EfficiencyFactorAndOverheadsScaleAsDocumented()
    {
        var d = NeutralV2() with { Calibration = new CalibrationSpec { TensorEfficiency = 0.5, NodeOverheadUs = 10, InferenceOverheadUs = 100, Source = "t", Date = "t" } };
        var p = NeuronSimulator.Simulate(SingleMatMul(256, 512, 1024), d, "bf16", 256);
        Assert.Equal(2 * 8192 / 2.8e3 + 512 / 1.4e3 + 10 + 100, p.LatencyMs * 1e3, 3);
    }

    [Fact]
    public void DeviceWithoutAPrecisionAutoCasts()
    {
        var c = TargetCatalog.Load("");
        var p = Projector.Simulate(SingleMatMul(64, 256, 256), c.Device("neuroncore-v1"), "fp32", 64);
        Assert.Equal("bf16", p.Precision);
        Assert.Contains(p.Notes, n => n.Contains("auto-cast"));
        var t4 = Projector.Simulate(SingleMatMul(64, 256, 256), c.Device("t4"), "bf16", 64);
        Assert.Equal("fp16", t4.Precision);
    }

    [Fact]
    public void GpuRooflineOfOneMatMulIsHandCheckable()
    {
        var a100 = TargetCatalog.Load("").Device("a100") with
        {
            Calibration = new CalibrationSpec { ComputeEfficiency = 1, MemoryEfficiency = 1, LaunchOverheadUs = 5, Source = "t", Date = "t" },
        };
        // 1728 x 1024 output = 14 x 8 = 112 tiles of 128x128 on 108 SMs: two waves of 2*128*128*4096 FLOP at 312/108 TFLOPS per SM.
        var w = SingleMatMul(1728, 4096, 1024);
        var p = GpuRoofline.Simulate(w, a100, "fp16", 1728);
        double wave = 2.0 * 128 * 128 * 4096 / (312e12 / 108);
        double epilogue = 1728.0 * 1024 / 19.5e12;
        double memory = (4096.0 * 1024 + 1728.0 * 4096 + 1728.0 * 1024) * 2 / 1555e9;
        Assert.True(memory < 2 * wave);
        Assert.Equal((2 * wave + epilogue) * 1e6 + 5, p.LatencyMs * 1e3, 3);
    }
}
