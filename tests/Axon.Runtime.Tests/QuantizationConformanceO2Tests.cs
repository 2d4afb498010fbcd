using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Onnx;
using Axon.Onnx.Conformance;

namespace Axon.Runtime.Tests;

/// <summary>
/// The ONNX conformance tests of the quantization operators, compiled at -O2 and run on the compiled path: each must
/// reproduce the expected outputs, and the 8-bit ones must run on the INT8 / Q-DQ kernels, not the reference executor.
/// </summary>
public sealed class QuantizationConformanceO2Tests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in new[]
        {
            "test_quantizelinear", "test_quantizelinear_axis", "test_dequantizelinear", "test_dequantizelinear_axis",
            "test_dynamicquantizelinear", "test_dynamicquantizelinear_max_adjusted", "test_dynamicquantizelinear_min_adjusted",
            "test_matmulinteger", "test_qlinearmatmul_2D_int8_float32", "test_qlinearmatmul_2D_uint8_float32",
            "test_qlinearmatmul_3D_int8_float32", "test_qlinearmatmul_3D_uint8_float32", "test_qlinearconv",
            "test_convinteger_with_padding", "test_convinteger_without_padding",
            "test_quantizelinear_int16", "test_dequantizelinear_int16", "test_quantizelinear_blocked_asymmetric",
            "test_qlinearmatmul_2D_uint8_float16",
        })
        {
            data.Add(name);
        }
        return data;
    }

    /// <summary>Ops whose 8-bit forms have fast kernels (others in the list run on the reference path, still correct).</summary>
    private static readonly HashSet<string> Fast = new(StringComparer.Ordinal)
    {
        "test_quantizelinear", "test_quantizelinear_axis", "test_dequantizelinear", "test_dequantizelinear_axis",
        "test_dynamicquantizelinear", "test_dynamicquantizelinear_max_adjusted", "test_dynamicquantizelinear_min_adjusted",
        "test_qlinearmatmul_2D_int8_float32", "test_qlinearmatmul_2D_uint8_float32", "test_qlinearconv",
        "test_convinteger_with_padding", "test_convinteger_without_padding", "test_matmulinteger",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PassesAtO2(string name)
    {
        Check(name, constantParameters: false);
        if (Fast.Contains(name))
        {
            // As in real models, weights, scales and zero points as constants: now the fast kernels must run.
            var steps = Check(name, constantParameters: true);
            Assert.All(steps, s => Assert.True(s.Kernel is not null || s.Reference is null, $"{s.Node.OpType} ran on the reference path"));
            Assert.Contains(steps, s => s.Kernel is not null);
        }
    }

    private static List<Axon.Compiler.Planning.PlanStep> Check(string name, bool constantParameters)
    {
        string dir = Path.Combine(Axon.Testing.TestPaths.OnnxTests, "node", name);
        var model = OnnxModel.Load(Path.Combine(dir, "model.onnx"));
        var inputs = model.Graph.RuntimeInputs.ToList();
        string ds = Path.Combine(dir, "test_data_set_0");
        var feeds = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int k = 0; k < inputs.Count; k++)
        {
            var t = OnnxModel.LoadTensor(Path.Combine(ds, $"input_{k}.pb"));
            if (constantParameters && k > 0)
            {
                model.Graph.Inputs.RemoveAll(i => i.Name == inputs[k].Name);
                model.Graph.Initializers[inputs[k].Name] = t;
            }
            else
            {
                feeds[inputs[k].Name] = t;
            }
        }
        model = Pipelines.For(2).Run(model);
        using var session = new InferenceSession(model);
        var outputs = session.Run(feeds);
        for (int k = 0; k < outputs.Count; k++)
        {
            var expected = OnnxModel.LoadValue(Path.Combine(ds, $"output_{k}.pb"), model.Graph.Outputs[k].Type);
            var diff = ValueComparer.Compare(expected, outputs[k].Value);
            Assert.True(diff is null, $"{name} (constant parameters: {constantParameters}) output {k}: {diff}");
        }
        return session.Plans.SelectMany(p => p.Steps).ToList();
    }
}
