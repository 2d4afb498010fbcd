using Axon.Compiler;
using Axon.Compiler.Passes;
using Axon.Compiler.Quantization;
using Axon.Compiler.Quantization.Calibration;
using Axon.Graph;
using Axon.Kernels.Threading;
using Axon.Runtime.Precision.Calibration;

namespace Axon.Runtime.Precision;

/// <summary>How to quantize statically: calibration method and the QDQ choices.</summary>
public sealed record StaticQuantizeOptions
{
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;

    /// <summary>The percentile the percentile method clips at.</summary>
    public double Percentile { get; init; } = 99.99;

    public QdqOptions Qdq { get; init; } = new();
}

/// <summary>The QDQ model (standard ONNX), the calibrated ranges and how many nodes were quantized.</summary>
public sealed record StaticQuantizeResult(Model Model, IReadOnlyDictionary<string, TensorRange> Ranges, int QuantizedNodes);

/// <summary>
/// Static (calibrated) INT8 quantization: prepare the FP32 graph (shapes inferred, constants folded, BatchNorm folded
/// into Conv — still standard ONNX), run it over the calibration samples to measure the activations that feed (or
/// come out of) Conv, MatMul and Gemm, and insert QuantizeLinear/DequantizeLinear pairs with those ranges
/// (<see cref="InsertQdq"/>). The result is a standard QDQ ONNX model: save it for other engines or compile it with Axon.
/// </summary>
public static class StaticQuantizer
{
    public static StaticQuantizeResult Quantize(Model fp32, SampleSet calibration, StaticQuantizeOptions options, WorkerPool pool,
        Action<string, int, int>? progress = null)
    {
        // Per-axis DequantizeLinear needs opset 13.
        long opset = fp32.OpsetImports.GetValueOrDefault("");
        if (opset < 13)
        {
            throw new AxonModelException($"static quantization needs a model at ONNX opset 13 or later (this one imports opset {opset})", "AXQ023");
        }
        var prepared = Prepare(fp32);
        var tensors = InsertQdq.TensorsToCalibrate(prepared.Graph, options.Qdq);
        var calibrator = Calibrators.Create(options.Method, options.Percentile);
        var ranges = ActivationCollector.Ranges(prepared, tensors, calibration, calibrator, options.Qdq.SymmetricActivations, pool, progress);
        var pm = new PassManager([new InsertQdq(ranges, options.Qdq)]);
        var qdq = pm.Run(prepared);
        int count = pm.LastContext?.Stats.GetValueOrDefault("insert-qdq")?.Values.Sum() ?? 0;
        return new StaticQuantizeResult(qdq, ranges, count);
    }

    /// <summary>The FP32 graph quantization works on: -O1 cleanup (shapes, folding) plus BatchNorm folded into Conv.</summary>
    public static Model Prepare(Model fp32) =>
        new PassManager(Pipelines.Steps(1).Append(new FoldConvBatchNorm())).Run(fp32);
}
