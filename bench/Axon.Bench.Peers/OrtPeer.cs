using Axon;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// ONNX Runtime with all graph optimizations and the same intra-op thread count. Inputs become OrtValues once, over
/// pinned copies, so a timed run is only <c>Run</c> plus disposing its outputs: no per-run conversion is charged to it.
/// </summary>
internal sealed class OrtPeer : IDisposable
{
    private readonly Microsoft.ML.OnnxRuntime.InferenceSession _s;
    private readonly SessionOptions? _options;
    private readonly RunOptions _run = new();
    private readonly string[] _inputNames;
    private readonly OrtValue[] _inputs;
    private readonly string[] _outputNames;

    public OrtPeer(byte[] model, int threads, IReadOnlyDictionary<string, Tensor> feeds)
    {
        _options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _s = new Microsoft.ML.OnnxRuntime.InferenceSession(model, _options);
        _inputNames = [.. feeds.Keys];
        _inputs = [.. feeds.Values.Select(ToOrt)];
        _outputNames = [.. _s.OutputMetadata.Keys];
    }

    /// <summary>A session over caller-owned options (profiling); the caller disposes them.</summary>
    public OrtPeer(byte[] model, SessionOptions options, IReadOnlyDictionary<string, Tensor> feeds)
    {
        _s = new Microsoft.ML.OnnxRuntime.InferenceSession(model, options);
        _inputNames = [.. feeds.Keys];
        _inputs = [.. feeds.Values.Select(ToOrt)];
        _outputNames = [.. _s.OutputMetadata.Keys];
    }

    /// <summary>Ends profiling and returns the profile file's path.</summary>
    public string EndProfiling() => _s.EndProfiling();

    private static OrtValue ToOrt(Tensor t)
    {
        long[] shape = [.. t.Shape.Select(d => (long)d)];
        return t.DType switch
        {
            DType.Int64 => OrtValue.CreateTensorValueFromMemory(t.ToArray<long>(), shape),
            DType.Int32 => OrtValue.CreateTensorValueFromMemory(t.ToArray<int>(), shape),
            _ => OrtValue.CreateTensorValueFromMemory(t.ToArray<float>(), shape),
        };
    }

    public void Run()
    {
        using var results = _s.Run(_run, _inputNames, _inputs, _outputNames);
    }

    public double[][] Outputs()
    {
        using var results = _s.Run(_run, _inputNames, _inputs, _outputNames);
        return [.. results.Select(r => r.GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray())];
    }

    /// <summary>The first output for other feeds (accuracy checks on varied inputs; not timed).</summary>
    public double[] FirstOutput(IReadOnlyDictionary<string, Tensor> feeds)
    {
        var values = feeds.Values.Select(ToOrt).ToArray();
        try
        {
            using var results = _s.Run(_run, [.. feeds.Keys], values, [_outputNames[0]]);
            return [.. results[0].GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v)];
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    public void Dispose()
    {
        foreach (var v in _inputs)
        {
            v.Dispose();
        }
        _s.Dispose();
        _run.Dispose();
        _options?.Dispose();
    }
}
