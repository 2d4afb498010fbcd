using Axon.Compiler.Passes;
using Axon.Graph;
using Axon.Graph.Reference;

namespace Axon.Compiler.Tests.Support;

/// <summary>Builds small models, runs passes with the verifier on, and compares reference-executor outputs before and after.</summary>
internal static class PassKit
{
    public static Model Model(Axon.Graph.Graph g, long opset = 17)
    {
        var m = new Model(g);
        m.OpsetImports[""] = opset;
        return m;
    }

    public static Node N(string op, string[] inputs, string output, params Attr[] attrs) => N(op, inputs, [output], attrs);

    public static Node N(string op, string[] inputs, string[] outputs, params Attr[] attrs)
    {
        var n = new Node(op, inputs, outputs);
        foreach (var a in attrs)
        {
            n.SetAttr(a);
        }
        return n;
    }

    public static ValueInfo F32(string name, params long[] dims) => new(name, TypeInfo.Tensor(DType.Float32, dims));

    public static Tensor Random(int seed, params int[] shape) => Axon.Testing.Seeded.Uniform(seed, shape);

    public static Tensor Scalar(float v) => Tensor.FromArray(new[] { v }, Array.Empty<int>());

    /// <summary>Runs one pass (through a pass manager, so the verifier checks the result).</summary>
    public static Model Apply(IPass pass, Model m, out PassContext ctx)
    {
        var pm = new PassManager([new SinglePass(pass)]) { Verify = true };
        var r = pm.Run(m);
        ctx = pm.LastContext!;
        return r;
    }

    public static Model Apply(IPass pass, Model m) => Apply(pass, m, out _);

    /// <summary>Ops of the graph in order, domain-qualified for non-ONNX ops ("axon:FusedConv").</summary>
    public static string[] Ops(Model m) => m.Graph.Nodes.Select(n => n.Domain.Length > 0 ? $"{n.Domain}:{n.OpType}" : n.OpType).ToArray();

    public static int Count(Model m, string op) => Ops(m).Count(o => o == op);

    /// <summary>Random float inputs (seeded) for every runtime input with a static float shape.</summary>
    public static Dictionary<string, IValue?> Inputs(Model m, int seed = 1)
    {
        var d = new Dictionary<string, IValue?>(StringComparer.Ordinal);
        foreach (var i in m.Graph.RuntimeInputs)
        {
            d[i.Name] = Random(seed++, i.Type.Shape.ToInts());
        }
        return d;
    }

    public static IReadOnlyList<KeyValuePair<string, IValue?>> Run(Model m, IReadOnlyDictionary<string, IValue?> inputs) =>
        new ReferenceExecutor(m).Run(inputs);

    /// <summary>Asserts that both models give the same outputs on the inputs (relative tolerance, tiny absolute floor).</summary>
    public static void SameOutputs(Model before, Model after, IReadOnlyDictionary<string, IValue?>? inputs = null, double rtol = 1e-4, double atol = 1e-5)
    {
        inputs ??= Inputs(before);
        var a = Run(before, inputs);
        var b = Run(after, inputs);
        Assert.Equal(a.Count, b.Count);
        for (int k = 0; k < a.Count; k++)
        {
            var x = Assert.IsType<Tensor>(a[k].Value);
            var y = Assert.IsType<Tensor>(b[k].Value);
            Assert.Equal(x.Shape, y.Shape);
            Assert.Equal(x.DType, y.DType);
            double[] xd = x.ToDoubles(), yd = y.ToDoubles();
            for (int i = 0; i < xd.Length; i++)
            {
                double diff = Math.Abs(xd[i] - yd[i]);
                Assert.True(diff <= atol + rtol * Math.Abs(xd[i]), $"output {a[k].Key}[{i}]: before {xd[i]}, after {yd[i]}");
            }
        }
    }
}
