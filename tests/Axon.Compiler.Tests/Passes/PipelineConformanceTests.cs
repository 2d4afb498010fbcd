using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Graph.Reference;
using Axon.Onnx;
using Axon.Onnx.Conformance;
using Xunit.Abstractions;

namespace Axon.Compiler.Tests.Passes;

/// <summary>
/// "The conformance suite passes the same with -O3 as with -O0": every ONNX backend test (node, pytorch-converted,
/// pytorch-operator, simple) whose expected outputs the unoptimized model reproduces must still reproduce them after the
/// -O3 pipeline, and compiling must never throw.
/// </summary>
public class PipelineConformanceTests(ITestOutputHelper output)
{
    private static readonly Regex RandomOutput = new(@"^test_bernoulli|^test_training_dropout(?!_zero_ratio)|^test_random", RegexOptions.Compiled);

    private static string? SuiteRoot() => Axon.Testing.TestPaths.OnnxTests;

    [Fact]
    public void O3KeepsEveryPassingConformanceTestPassing()
    {
        string? root = SuiteRoot();
        Assert.True(root is not null, "shared/onnx-tests not found beside the repository");
        var tests = new[] { "node", "pytorch-converted", "pytorch-operator", "simple" }
            .SelectMany(s => ConformanceRunner.Discover(Path.Combine(root!, s)))
            .Where(t => !RandomOutput.IsMatch(Path.GetFileName(t.Dir)))
            .ToList();
        var regressions = new ConcurrentBag<string>();
        int passedO0 = 0, optimizedChanged = 0;
        var sw = Stopwatch.StartNew();
        Parallel.ForEach(tests, new ParallelOptions { MaxDegreeOfParallelism = 2 }, t =>
        {
            string name = Path.GetFileName(t.Dir);
            Model model;
            try
            {
                model = OnnxModel.Load(Path.Combine(t.Dir, "model.onnx"));
            }
            catch (AxonException)
            {
                return;
            }
            if (Check(model, t.Dir) is not null)
            {
                return; // fails at -O0 already: not this test's business
            }
            Interlocked.Increment(ref passedO0);
            Model optimized;
            try
            {
                optimized = Pipelines.For(3).Run(model);
            }
            catch (Exception e)
            {
                regressions.Add($"{name}: compile failed: {e.Message}");
                return;
            }
            if (ReferenceEquals(optimized, model))
            {
                return;
            }
            Interlocked.Increment(ref optimizedChanged);
            if (Check(optimized, t.Dir) is { } why)
            {
                regressions.Add($"{name}: {why}");
            }
        });
        output.WriteLine($"{tests.Count} tests, {passedO0} pass at -O0, {optimizedChanged} changed by -O3, {sw.Elapsed.TotalSeconds:0.0} s");
        Assert.True(regressions.IsEmpty, string.Join("\n", regressions.OrderBy(s => s)));
    }

    /// <summary>Null when the model reproduces test_data_set_0, else why not.</summary>
    private static string? Check(Model model, string dir)
    {
        string ds = Path.Combine(dir, "test_data_set_0");
        if (!Directory.Exists(ds))
        {
            return "no data";
        }
        try
        {
            var inputs = model.Graph.RuntimeInputs.ToList();
            var feeds = new Dictionary<string, IValue?>(StringComparer.Ordinal);
            for (int k = 0; k < inputs.Count; k++)
            {
                string f = Path.Combine(ds, $"input_{k}.pb");
                feeds[inputs[k].Name] = File.Exists(f) ? OnnxModel.LoadValue(f, inputs[k].Type)
                    : inputs[k].Type.Kind == TypeKind.Optional ? new OptionalValue(null) : null;
            }
            var outs = new ReferenceExecutor(model).Run(feeds);
            for (int k = 0; k < outs.Count; k++)
            {
                string f = Path.Combine(ds, $"output_{k}.pb");
                if (!File.Exists(f))
                {
                    return $"no expected output {k}";
                }
                var expected = OnnxModel.LoadValue(f, model.Graph.Outputs[k].Type);
                if (ValueComparer.Compare(expected, outs[k].Value) is { } diff)
                {
                    return $"output {k}: {diff}";
                }
            }
            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
