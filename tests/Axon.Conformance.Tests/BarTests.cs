using Axon.Onnx.Conformance;

namespace Axon.Conformance.Tests;

/// <summary>The foundation issue's bars over whole suites, and the hygiene of the expected-failures list.</summary>
public sealed class BarTests
{
    /// <summary>Operators whose tests must all pass: the ones real CNNs, transformers and RNNs are made of.</summary>
    public static readonly HashSet<string> CoreOps = new(StringComparer.Ordinal)
    {
        "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Reciprocal", "Neg", "Abs", "Exp", "Log", "Erf", "Tanh", "Sigmoid", "Relu",
        "LeakyRelu", "HardSigmoid", "HardSwish", "Clip", "Gelu", "MatMul", "Gemm", "Conv", "ConvTranspose", "MaxPool",
        "AveragePool", "GlobalAveragePool", "BatchNormalization", "LayerNormalization", "Softmax", "LogSoftmax", "Transpose",
        "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Concat", "Split", "Slice", "Gather", "Expand", "Tile", "Pad", "Resize",
        "Shape", "Size", "Cast", "Where", "Equal", "Less", "Greater", "Not", "And", "Or", "ConstantOfShape", "Constant", "Range",
        "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ArgMax", "Identity", "Dropout", "TopK", "CumSum", "LSTM", "GRU",
        "If", "Loop", "QuantizeLinear", "DequantizeLinear",
    };

    [Theory]
    [InlineData("node", 0.80)]
    [InlineData("simple", 0.80)]
    [InlineData("pytorch-converted", 0.80)]
    [InlineData("pytorch-operator", 0.80)]
    public void SuitePassRate(string suite, double bar)
    {
        var tests = TestData.All.Where(t => t.Suite == suite).ToList();
        Assert.NotEmpty(tests);
        int passed = tests.Count(t => TestData.Run(suite, Path.GetFileName(t.Dir)).Status == TestStatus.Passed);
        double rate = (double)passed / tests.Count;
        Assert.True(rate >= bar, $"{suite}: {passed}/{tests.Count} = {rate:P1} pass, bar is {bar:P0}");
    }

    [Fact]
    public void EveryCoreOpTestPasses()
    {
        var failing = new List<string>();
        int count = 0;
        foreach (var (suite, dir) in TestData.All)
        {
            string key = $"{suite}/{Path.GetFileName(dir)}";
            if (!TestData.OpsByTest.TryGetValue(key, out var ops) || ops.Length == 0 || !ops.All(CoreOps.Contains))
            {
                continue;
            }
            count++;
            var r = TestData.Run(suite, Path.GetFileName(dir));
            if (r.Status != TestStatus.Passed)
            {
                failing.Add($"{key}: {r.Reason}");
            }
        }
        Assert.True(count > 800, $"only {count} tests use core ops alone; the manifest looks wrong");
        Assert.True(failing.Count == 0, $"{failing.Count} of {count} core-op tests fail:\n" + string.Join("\n", failing.Take(50)));
    }

    [Fact]
    public void ExpectedFailuresNameRealTestsWithReasons()
    {
        var known = TestData.All.Select(t => $"{t.Suite}/{Path.GetFileName(t.Dir)}").ToHashSet(StringComparer.Ordinal);
        foreach (var (key, reason) in TestData.ExpectedFailures)
        {
            Assert.True(known.Contains(key), $"tests/conformance-expected-failures.txt lists '{key}', which is not a test");
            Assert.False(string.IsNullOrWhiteSpace(reason), $"'{key}' has no reason in tests/conformance-expected-failures.txt");
        }
    }
}
