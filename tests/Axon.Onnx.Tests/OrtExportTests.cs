using Axon.Graph;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit.Abstractions;

namespace Axon.Onnx.Tests;

/// <summary>
/// An independent check of the exporter: ONNX Runtime must accept every exported model it accepts in its original form,
/// and give bit-identical outputs for both on the test's input data.
/// </summary>
public class OrtExportTests
{
    private static readonly System.Text.RegularExpressions.Regex Nondeterministic =
        new("random|bernoulli|dropout|multinomial", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private readonly ITestOutputHelper _out;

    public OrtExportTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public void ExportedModelsRunInOnnxRuntimeLikeTheOriginals()
    {
        var all = TestData.Models("simple", "node", "pytorch-converted", "pytorch-operator");
        // A fixed sample keeps the run short (ORT session creation dominates): every simple and pytorch-operator model,
        // every 3rd pytorch-converted one and every 12th node test.
        var models = all.Where((p, i) =>
            p.Contains("/node/", StringComparison.Ordinal) ? i % 12 == 0
            : p.Contains("/pytorch-converted/", StringComparison.Ordinal) ? i % 3 == 0
            : true).ToList();
        var failures = new List<string>();
        int accepted = 0, compared = 0;
        using var options = new SessionOptions
        {
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
        };
        foreach (var path in models)
        {
            string test = Path.GetFileName(Path.GetDirectoryName(path))!;
            var original = File.ReadAllBytes(path);
            InferenceSession a;
            try
            {
                a = new InferenceSession(original, options);
            }
            catch (OnnxRuntimeException)
            {
                continue; // ORT does not support this model (opset, op or type): nothing to compare with.
            }
            using (a)
            {
                accepted++;
                var model = OnnxModel.Load(path);
                InferenceSession b;
                try
                {
                    b = new InferenceSession(OnnxModel.ToBytes(model), options);
                }
                catch (OnnxRuntimeException e)
                {
                    failures.Add($"{test}: ORT rejects the exported model: {e.Message}");
                    continue;
                }
                using (b)
                {
                    if (Nondeterministic.IsMatch(test))
                    {
                        continue;
                    }
                    var diff = CompareOnTestData(a, b, model, Path.GetDirectoryName(path)!);
                    if (diff is null)
                    {
                        continue;
                    }
                    if (diff.Length > 0)
                    {
                        failures.Add($"{test}: {diff}");
                    }
                    else
                    {
                        compared++;
                    }
                }
            }
        }
        _out.WriteLine($"{models.Count} models, {accepted} accepted by ORT, {compared} compared on test data");
        Assert.True(accepted > 100, $"ORT accepted only {accepted} models");
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(20)));
    }

    /// <summary>"" when outputs agree, a description when they differ, null when the data cannot be fed to ORT here.</summary>
    private static string? CompareOnTestData(InferenceSession a, InferenceSession b, Model model, string dir)
    {
        string ds = Path.Combine(dir, "test_data_set_0");
        var inputs = model.Graph.RuntimeInputs.ToList();
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            for (int k = 0; k < inputs.Count; k++)
            {
                string f = Path.Combine(ds, $"input_{k}.pb");
                if (!File.Exists(f) || inputs[k].Type.Kind != TypeKind.Tensor)
                {
                    return null;
                }
                var t = OnnxModel.LoadTensor(f);
                var v = ToOrt(t);
                if (v is null)
                {
                    return null;
                }
                names.Add(inputs[k].Name);
                values.Add(v);
            }
            var outNames = a.OutputNames.ToList();
            using var ra = a.Run(new RunOptions(), names, values, outNames);
            using var rb = b.Run(new RunOptions(), names, values, outNames);
            for (int i = 0; i < ra.Count; i++)
            {
                if (!ra[i].IsTensor)
                {
                    continue;
                }
                var ta = ra[i].GetTensorTypeAndShape();
                var tb = rb[i].GetTensorTypeAndShape();
                if (ta.ElementDataType != tb.ElementDataType || !ta.Shape.SequenceEqual(tb.Shape))
                {
                    return $"output '{outNames[i]}' type/shape differ";
                }
                if (ta.ElementDataType == TensorElementType.String)
                {
                    if (!ra[i].GetStringTensorAsArray().SequenceEqual(rb[i].GetStringTensorAsArray()))
                    {
                        return $"output '{outNames[i]}' strings differ";
                    }
                }
                else if (!ra[i].GetTensorDataAsSpan<byte>().SequenceEqual(rb[i].GetTensorDataAsSpan<byte>()))
                {
                    return $"output '{outNames[i]}' bytes differ";
                }
            }
            return "";
        }
        catch (OnnxRuntimeException)
        {
            return null; // ORT cannot run it with this data (e.g. unsupported kernel): not an export question.
        }
        finally
        {
            foreach (var v in values)
            {
                v.Dispose();
            }
        }
    }

    private static OrtValue? ToOrt(Tensor t)
    {
        var shape = t.Shape.Select(d => (long)d).ToArray();
        if (t.DType == DType.String)
        {
            return OrtValue.CreateFromStringTensor(new DenseTensor<string>(t.Strings.ToArray(), t.Shape));
        }
        if (t.DType is DType.Int4 or DType.UInt4 or DType.Float4E2M1 or DType.Int2 or DType.UInt2)
        {
            return null; // Axon unpacks 4- and 2-bit types; ORT wants them packed.
        }
        var v = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)(int)t.DType, shape);
        t.Bytes.CopyTo(v.GetTensorMutableDataAsSpan<byte>());
        return v;
    }
}
