using Axon.Graph;
using Axon.Graph.Analysis;
using Axon.Graph.Ops;
using Xunit.Abstractions;

namespace Axon.Onnx.Tests.Analysis;

/// <summary>
/// Shape inference against the ONNX backend test models: for every node test whose ops all have schemas, the inferred
/// type of each graph output must equal its declared type where that is static. Lives here (not in Axon.Graph.Tests)
/// because reading model.onnx needs the importer.
/// </summary>
public sealed class ShapeInferenceOnnxTests(ITestOutputHelper output)
{
    /// <summary>The share of checked outputs that must match exactly; raise it as schemas improve.</summary>
    private const double RequiredMatchRate = 0.95;

    internal static string? TestsRoot() => Axon.Testing.TestPaths.OnnxTests;

    private static IEnumerable<Node> AllNodes(Axon.Graph.Graph g) => g.Nodes.Concat(g.Nodes.SelectMany(n => n.Subgraphs()).SelectMany(AllNodes));

    /// <summary>True when the inferred type states something the declared one denies (unknown parts are not wrong).</summary>
    private static bool Contradicts(TypeInfo inferred, TypeInfo declared)
    {
        if (inferred.Kind == TypeKind.Unknown)
        {
            return false;
        }
        if (inferred.Kind != declared.Kind || (inferred.ElemType != DType.Undefined && inferred.ElemType != declared.ElemType))
        {
            return true;
        }
        if (!inferred.Shape.HasRank)
        {
            return false;
        }
        return inferred.Shape.Rank != declared.Shape.Rank
            || inferred.Shape.Dims.Zip(declared.Shape.Dims).Any(p => p.First.IsKnown && p.First.Value != p.Second.Value);
    }

    /// <summary>Test data inputs small enough to be shape arguments (axes, sizes, scales, K), by input name.</summary>
    private static Dictionary<string, Tensor> SmallInputs(string dir, Model model)
    {
        var r = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var inputs = model.Graph.RuntimeInputs.ToList();
        for (int k = 0; k < inputs.Count; k++)
        {
            string p = Path.Combine(dir, "test_data_set_0", $"input_{k}.pb");
            if (!File.Exists(p) || inputs[k].Type.Kind != TypeKind.Tensor)
            {
                continue;
            }
            try
            {
                if (OnnxModel.LoadValue(p, inputs[k].Type) is Tensor t && t.Rank <= 1 && t.Length <= 16 && t.DType.IsNumeric())
                {
                    r[inputs[k].Name] = t;
                }
            }
            catch (AxonException)
            {
            }
        }
        return r;
    }

    [Fact]
    public void InferredOutputTypesMatchDeclaredOnes()
    {
        var root = TestsRoot()!;
        int models = 0, skipped = 0, checkedOutputs = 0, matched = 0, matchedStatic = 0;
        var failures = new List<string>();
        var wrong = new List<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(root, "node")).Order(StringComparer.Ordinal))
        {
            string path = Path.Combine(dir, "model.onnx");
            if (!File.Exists(path))
            {
                continue;
            }
            Model model;
            try
            {
                model = OnnxModel.Load(path);
            }
            catch (AxonException)
            {
                skipped++;
                continue;
            }
            if (AllNodes(model.Graph).Any(n => SchemaRegistry.Find(n.Domain, n.OpType) is null))
            {
                skipped++;
                continue;
            }
            models++;
            var result = ShapeInference.Infer(model);
            var withValues = ShapeInference.Infer(model, SmallInputs(dir, model), foldConstants: false);
            foreach (var o in model.Graph.Outputs)
            {
                if (o.Type.Kind != TypeKind.Tensor || !o.Type.Shape.IsStatic)
                {
                    continue;
                }
                checkedOutputs++;
                var got = result.TypeOf(o.Name);
                var given = withValues.TypeOf(o.Name);
                matchedStatic += got.Equals(o.Type) ? 1 : 0;
                if (given.Equals(o.Type))
                {
                    matched++;
                }
                else
                {
                    failures.Add($"{Path.GetFileName(dir)}: {o.Name} declared {o.Type}, inferred {given}");
                }
                if (Contradicts(got, o.Type) || Contradicts(given, o.Type))
                {
                    wrong.Add($"{Path.GetFileName(dir)}: {o.Name} declared {o.Type}, inferred {got} / {given}");
                }
            }
        }
        double rate = checkedOutputs == 0 ? 1 : (double)matched / checkedOutputs;
        output.WriteLine($"models checked {models}, skipped (op without schema) {skipped}, static outputs {checkedOutputs}");
        output.WriteLine($"matched from the model alone: {matchedStatic} ({(double)matchedStatic / Math.Max(1, checkedOutputs):P1})");
        output.WriteLine($"matched given small runtime inputs (shape/axes arguments), schema rules only: {matched} ({rate:P1})");
        output.WriteLine($"contradictions (a known dim or type that is wrong): {wrong.Count}");
        foreach (var f in wrong)
        {
            output.WriteLine("WRONG " + f);
        }
        foreach (var f in failures)
        {
            output.WriteLine(f);
        }
        Assert.True(wrong.Count == 0, "inference contradicts declared types:\n" + string.Join("\n", wrong.Take(30)));
        Assert.True(rate >= RequiredMatchRate, $"match rate {rate:P1} < {RequiredMatchRate:P0}; first failures:\n{string.Join("\n", failures.Take(30))}");
    }

    /// <summary>The verifier on every importable node test model: no structural or attribute-kind complaints (the
    /// models are valid), and shape inference finds no contradictions except in tests that expect a run-time error.</summary>
    [Fact]
    public void VerifierAcceptsTheNodeTestModels()
    {
        var root = TestsRoot()!;
        var complaints = new List<string>();
        int models = 0, inferenceNotes = 0;
        foreach (var dir in Directory.GetDirectories(Path.Combine(root, "node")).Order(StringComparer.Ordinal))
        {
            string path = Path.Combine(dir, "model.onnx");
            Model model;
            try
            {
                model = OnnxModel.Load(path);
            }
            catch (Exception e) when (e is AxonException or IOException)
            {
                continue;
            }
            models++;
            foreach (var p in GraphVerifier.Verify(model))
            {
                if (p.Code == GraphProblem.Inference)
                {
                    inferenceNotes++;
                    output.WriteLine($"{Path.GetFileName(dir)}: {p}");
                }
                else
                {
                    complaints.Add($"{Path.GetFileName(dir)}: {p}");
                }
            }
        }
        output.WriteLine($"models {models}, structural/attribute complaints {complaints.Count}, inference notes {inferenceNotes}");
        Assert.True(complaints.Count == 0, string.Join("\n", complaints.Take(30)));
    }
}
