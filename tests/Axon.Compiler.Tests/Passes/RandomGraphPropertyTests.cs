using Axon.Compiler.Passes;
using Axon.Graph;
using static Axon.Compiler.Tests.Support.PassKit;

namespace Axon.Compiler.Tests.Passes;

/// <summary>
/// Property: for random graphs built from supported ops (seeded, so a failure names its seed), every -O level gives the
/// unoptimized graph's outputs through the reference executor within 1e-4. The generator leans towards what the passes
/// look for: chains, shared values, duplicates, no-ops, conv + BN + activation, bias and residual adds.
/// </summary>
public class RandomGraphPropertyTests
{
    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, 24)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void DenseGraphsKeepTheirOutputsAtEveryLevel(int seed) => Check(Dense(seed), seed);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ConvGraphsKeepTheirOutputsAtEveryLevel(int seed) => Check(Convolutional(seed), seed);

    [Fact]
    public void TheGeneratorGivesThePassesWorkToDo()
    {
        var ops = Enumerable.Range(0, 24).SelectMany(s => Ops(Pipelines.For(3).Run(Dense(s))).Concat(Ops(Pipelines.For(3).Run(Convolutional(s))))).ToList();
        foreach (var fused in new[] { "axon:FusedElementwise", "axon:FusedMatMul", "axon:NchwcConv", "axon:Silu" })
        {
            Assert.Contains(fused, ops);
        }
        Assert.DoesNotContain("BatchNormalization", ops);
    }

    private static void Check(Model m, int seed)
    {
        var inputs = Inputs(m, seed + 1);
        for (int level = 1; level <= 3; level++)
        {
            var optimized = new PassManager(Pipelines.Steps(level)) { Verify = true }.Run(m);
            try
            {
                SameOutputs(m, optimized, inputs, rtol: 1e-4, atol: 1e-5);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"seed {seed}, -O{level}: {e.Message}\n{Axon.Graph.Text.IrPrinter.Print(m.Graph)}");
            }
        }
    }

    /// <summary>Values of shape [2,3,8]: unary and binary elementwise ops, MatMul with weights, bias adds, no-ops, duplicates.</summary>
    private static Model Dense(int seed)
    {
        var rng = new Random(seed);
        var g = new Axon.Graph.Graph { Name = $"dense{seed}" };
        g.Inputs.Add(F32("x", 2, 3, 8));
        g.Inputs.Add(F32("z", 2, 3, 8));
        var values = new List<string> { "x", "z" };
        int k = 0;
        string Fresh() => "v" + k++;
        string Pick() => values[rng.Next(values.Count)];
        string Const(int[] shape)
        {
            string name = "c" + k++;
            g.Initializers[name] = Random(rng.Next(), shape);
            return name;
        }
        int steps = 6 + rng.Next(10);
        for (int s = 0; s < steps; s++)
        {
            string a = Pick(), y = Fresh();
            switch (rng.Next(14))
            {
                case 0: g.Nodes.Add(N(new[] { "Relu", "Sigmoid", "Tanh", "Neg", "Abs" }[rng.Next(5)], [a], y)); break;
                case 1: g.Nodes.Add(N("LeakyRelu", [a], y, Attr.Of("alpha", 0.1f))); break;
                case 2:
                case 3:
                    {
                        string b = rng.Next(3) switch { 0 => Pick(), 1 => Const([8]), _ => Const([]) };
                        string op = new[] { "Add", "Sub", "Mul", "Max", "Min" }[rng.Next(5)];
                        g.Nodes.Add(N(op, rng.Next(2) == 0 ? [a, b] : [b, a], y));
                        break;
                    }
                case 4:
                    {
                        string abs = Fresh(), one = Fresh();
                        g.Nodes.Add(N("Abs", [a], abs));
                        g.Nodes.Add(N("Add", [abs, Const([])], one));
                        g.Nodes.Add(N("Div", [Pick(), one], y));
                        // A safe divisor: |a| + 2 (the drawn constant could be near -|a|).
                        g.Initializers[g.Nodes[^2].Inputs[1]] = Tensor.FromArray(new[] { 2f }, Array.Empty<int>());
                        break;
                    }
                case 5:
                case 6:
                    {
                        string mm = Fresh();
                        g.Nodes.Add(N("MatMul", [a, Const([8, 8])], mm));
                        g.Nodes.Add(N("Add", [mm, Const([8])], y));
                        break;
                    }
                case 7: g.Nodes.Add(N("Identity", [a], y)); break;
                case 8:
                    {
                        string t = Fresh();
                        g.Nodes.Add(N("Transpose", [a], t, Attr.Of("perm", new long[] { 0, 2, 1 })));
                        g.Nodes.Add(N("Transpose", [t], y, Attr.Of("perm", new long[] { 0, 2, 1 })));
                        break;
                    }
                case 9:
                    {
                        string r = Fresh(), s1 = "shape" + k++, s2 = "shape" + k++;
                        g.Initializers[s1] = Tensor.FromArray(new long[] { 6, 8 });
                        g.Initializers[s2] = Tensor.FromArray(new long[] { 2, 3, 8 });
                        g.Nodes.Add(N("Reshape", [a, s1], r));
                        g.Nodes.Add(N("Reshape", [r, s2], y));
                        break;
                    }
                case 10:
                    {
                        // The same node twice: common-subexpression elimination merges them.
                        string d1 = Fresh(), d2 = Fresh(), b = Pick();
                        g.Nodes.Add(N("Mul", [a, b], d1));
                        g.Nodes.Add(N("Mul", [a, b], d2));
                        g.Nodes.Add(N("Add", [d1, d2], y));
                        break;
                    }
                case 11: g.Nodes.Add(N("Softmax", [a], y, Attr.Of("axis", -1L))); break;
                case 12: g.Nodes.Add(N("Dropout", [a], y)); break;
                default:
                    {
                        string sig = Fresh();
                        g.Nodes.Add(N("Sigmoid", [a], sig));
                        g.Nodes.Add(N("Mul", [a, sig], y));
                        break;
                    }
            }
            values.Add(y);
        }
        g.Outputs.Add(F32(values[^1], 2, 3, 8));
        string extra = values[2 + rng.Next(values.Count - 2)];
        if (extra != values[^1])
        {
            g.Outputs.Add(F32(extra, 2, 3, 8));
        }
        return Model(g, 13);
    }

    /// <summary>Values of shape [1,4,5,5]: Conv (with or without bias), BatchNormalization, activations, residual adds, per-channel scales.</summary>
    private static Model Convolutional(int seed)
    {
        var rng = new Random(1000 + seed);
        var g = new Axon.Graph.Graph { Name = $"conv{seed}" };
        g.Inputs.Add(F32("x", 1, 4, 5, 5));
        var values = new List<string> { "x" };
        int k = 0;
        string Fresh() => "v" + k++;
        string Pick() => values[rng.Next(values.Count)];
        string Const(params int[] shape)
        {
            string name = "c" + k++;
            g.Initializers[name] = Random(rng.Next(), shape);
            return name;
        }
        string Positive(params int[] shape)
        {
            string name = "p" + k++;
            var t = Random(rng.Next(), shape).ToArray<float>().Select(v => 0.5f + Math.Abs(v)).ToArray();
            g.Initializers[name] = Tensor.FromArray(t, shape);
            return name;
        }
        int steps = 4 + rng.Next(8);
        for (int s = 0; s < steps; s++)
        {
            string a = Pick(), y = Fresh();
            switch (rng.Next(7))
            {
                case 0:
                case 1:
                    {
                        var inputs = rng.Next(2) == 0 ? new[] { a, Const(4, 4, 3, 3) } : [a, Const(4, 4, 3, 3), Const(4)];
                        string c = Fresh();
                        g.Nodes.Add(N("Conv", inputs, c, Attr.Of("pads", new long[] { 1, 1, 1, 1 })));
                        if (rng.Next(2) == 0)
                        {
                            g.Nodes.Add(N("BatchNormalization", [c, Const(4), Const(4), Const(4), Positive(4)], y));
                        }
                        else
                        {
                            g.Nodes.Add(N("Identity", [c], y));
                        }
                        break;
                    }
                case 2: g.Nodes.Add(N(new[] { "Relu", "Sigmoid", "Tanh" }[rng.Next(3)], [a], y)); break;
                case 3: g.Nodes.Add(N("Add", [a, Pick()], y)); break;
                case 4: g.Nodes.Add(N("Mul", [a, Const(4, 1, 1)], y)); break;
                case 5: g.Nodes.Add(N("Clip", [a, Const(), Positive()], y)); break;
                default: g.Nodes.Add(N("LeakyRelu", [a], y, Attr.Of("alpha", 0.2f))); break;
            }
            values.Add(y);
        }
        g.Outputs.Add(F32(values[^1], 1, 4, 5, 5));
        return Model(g, 13);
    }
}
