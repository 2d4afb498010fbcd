using System.Diagnostics;
using System.Text.RegularExpressions;
using Axon.Graph;
using Axon.Graph.Reference;

namespace Axon.Onnx.Conformance;

public enum TestStatus
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>The outcome of one backend test directory.</summary>
public sealed record ConformanceResult(string Suite, string Name, TestStatus Status, string Reason, double Milliseconds);

/// <summary>
/// Runs ONNX backend test directories (<c>&lt;suite&gt;/&lt;test&gt;/model.onnx</c> plus <c>test_data_set_N</c>) through the
/// reference executor and compares with ONNX's rule.
/// </summary>
public static class ConformanceRunner
{
    /// <summary>Tests whose outputs are random: only shape and dtype are checked.</summary>
    private static readonly Regex RandomOutput = new(@"^test_bernoulli|^test_training_dropout(?!_zero_ratio)", RegexOptions.Compiled);

    /// <summary>Per-test wall-clock limit so one runaway model cannot hang a whole run.</summary>
    public static TimeSpan TestTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Every test directory under <paramref name="root"/> (a suite folder, or a folder of suites), sorted.</summary>
    public static IReadOnlyList<(string Suite, string Dir)> Discover(string root, string? suite = null, string? filter = null)
    {
        if (!Directory.Exists(root))
        {
            throw new AxonInputException($"test data folder '{root}' does not exist", "AXON205");
        }
        var found = new List<(string, string)>();
        if (File.Exists(Path.Combine(root, "model.onnx")))
        {
            found.Add((Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(root))!), root));
        }
        else
        {
            bool isSuite = Directory.EnumerateDirectories(root).Any(d => File.Exists(Path.Combine(d, "model.onnx")));
            var suites = isSuite ? [root] : Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal).ToArray();
            foreach (var s in suites)
            {
                foreach (var d in Directory.EnumerateDirectories(s).Order(StringComparer.Ordinal))
                {
                    if (File.Exists(Path.Combine(d, "model.onnx")))
                    {
                        found.Add((Path.GetFileName(s), d));
                    }
                }
            }
        }
        var rx = filter is null ? null : new Regex(filter, RegexOptions.CultureInvariant);
        return found.Where(t => (suite is null || t.Item1 == suite) && (rx is null || rx.IsMatch(Path.GetFileName(t.Item2)))).ToList();
    }

    /// <summary>Runs one test directory; never throws for a model or data problem (that is a failed result).</summary>
    public static ConformanceResult RunOne(string suite, string dir)
    {
        string name = Path.GetFileName(dir);
        var sw = Stopwatch.StartNew();
        var task = Task.Run(() => RunCore(name, dir));
        if (!task.Wait(TestTimeout))
        {
            return new ConformanceResult(suite, name, TestStatus.Failed, $"timed out after {TestTimeout.TotalSeconds:0} s", sw.Elapsed.TotalMilliseconds);
        }
        var (status, reason) = task.Result;
        return new ConformanceResult(suite, name, status, reason, sw.Elapsed.TotalMilliseconds);
    }

    private static (TestStatus, string) RunCore(string name, string dir)
    {
        try
        {
            var model = OnnxModel.Load(Path.Combine(dir, "model.onnx"));
            var dataSets = Directory.EnumerateDirectories(dir, "test_data_set_*").Order(StringComparer.Ordinal).ToList();
            if (dataSets.Count == 0)
            {
                return (TestStatus.Skipped, "no test_data_set directory");
            }
            var executor = new ReferenceExecutor(model);
            var inputs = model.Graph.RuntimeInputs.ToList();
            foreach (var ds in dataSets)
            {
                var feeds = new Dictionary<string, IValue?>(StringComparer.Ordinal);
                for (int k = 0; ; k++)
                {
                    string f = Path.Combine(ds, $"input_{k}.pb");
                    if (!File.Exists(f))
                    {
                        break;
                    }
                    if (k >= inputs.Count)
                    {
                        return (TestStatus.Failed, $"test data has more inputs than the model's {inputs.Count}");
                    }
                    feeds[inputs[k].Name] = OnnxModel.LoadValue(f, inputs[k].Type);
                }
                foreach (var missing in inputs.Skip(feeds.Count))
                {
                    feeds[missing.Name] = missing.Type.Kind == TypeKind.Optional ? new OptionalValue(null) : null;
                }
                var outputs = executor.Run(feeds);
                var expectedCount = Directory.EnumerateFiles(ds, "output_*.pb").Count();
                if (expectedCount != outputs.Count)
                {
                    return (TestStatus.Failed, $"model produced {outputs.Count} outputs, test data has {expectedCount}");
                }
                bool randomOnly = RandomOutput.IsMatch(name);
                for (int k = 0; k < expectedCount; k++)
                {
                    var expected = OnnxModel.LoadValue(Path.Combine(ds, $"output_{k}.pb"), model.Graph.Outputs[k].Type);
                    var diff = ValueComparer.Compare(expected, outputs[k].Value, shapeAndTypeOnly: randomOnly);
                    if (diff is not null)
                    {
                        return (TestStatus.Failed, $"output {k} ('{outputs[k].Key}'): {diff}");
                    }
                }
            }
            return (TestStatus.Passed, RandomOutput.IsMatch(name) ? "random output: shape and dtype checked" : "");
        }
        catch (AxonException e)
        {
            return (TestStatus.Failed, Flatten(e.Message));
        }
        catch (Exception e)
        {
            return (TestStatus.Failed, $"crash: {e.GetType().Name}: {Flatten(e.Message)}");
        }
    }

    private static string Flatten(string s) => s.ReplaceLineEndings(" ");
}
