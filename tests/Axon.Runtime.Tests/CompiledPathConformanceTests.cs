using Axon.Graph;
using Axon.Onnx;
using Axon.Onnx.Conformance;

namespace Axon.Runtime.Tests;

/// <summary>
/// Every ONNX backend test again, through the compiled path (execution plan, fast kernels, arena) instead of the
/// reference executor: results must match the expected outputs by the same rule. Tests that the reference executor
/// cannot pass either (tests/conformance-expected-failures.txt) and tests with sequence/optional inputs are excluded.
/// </summary>
public sealed class CompiledPathConformanceTests
{
    private static string RepoRoot => Axon.Testing.TestPaths.RepoRoot;
    private static string OnnxTests => Axon.Testing.TestPaths.OnnxTests;



    private static HashSet<string> ExpectedFailures()
    {
        var path = Path.Combine(RepoRoot, "tests", "conformance-expected-failures.txt");
        return File.Exists(path)
            ? File.ReadLines(path).Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToHashSet(StringComparer.Ordinal)
            : [];
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        var skip = ExpectedFailures();
        foreach (var (suite, dir) in ConformanceRunner.Discover(OnnxTests))
        {
            string name = Path.GetFileName(dir);
            if (!skip.Contains($"{suite}/{name}") && !name.StartsWith("test_bernoulli", StringComparison.Ordinal) && !name.StartsWith("test_training_dropout", StringComparison.Ordinal))
            {
                data.Add(suite, name);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesExpectedOutputs(string suite, string name)
    {
        string dir = Path.Combine(OnnxTests, suite, name);
        var model = OnnxModel.Load(Path.Combine(dir, "model.onnx"));
        var inputs = model.Graph.RuntimeInputs.ToList();
        if (inputs.Any(i => i.Type.Kind != TypeKind.Tensor) || model.Graph.Outputs.Any(o => o.Type.Kind != TypeKind.Tensor))
        {
            return; // sequences and optionals go through the reference executor only
        }
        var ds = Path.Combine(dir, "test_data_set_0");
        var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int k = 0; k < inputs.Count && File.Exists(Path.Combine(ds, $"input_{k}.pb")); k++)
        {
            feeds[inputs[k].Name] = OnnxModel.LoadTensor(Path.Combine(ds, $"input_{k}.pb"));
        }
        if (feeds.Count != inputs.Count)
        {
            return; // optional inputs omitted by the test data
        }
        using var session = new InferenceSession(model);
        var outputs = session.Run(feeds);
        for (int k = 0; k < outputs.Count; k++)
        {
            var expected = OnnxModel.LoadValue(Path.Combine(ds, $"output_{k}.pb"), model.Graph.Outputs[k].Type);
            var diff = ValueComparer.Compare(expected, outputs[k].Value);
            Assert.True(diff is null, $"output {k} ('{outputs[k].Key}'): {diff}; kernels: {string.Join(", ", session.Plans.SelectMany(p => p.Steps).Select(s => s.Node.OpType + "=" + s.KernelName).Distinct())}");
        }
    }
}
