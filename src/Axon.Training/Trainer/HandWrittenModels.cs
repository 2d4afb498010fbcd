using Axon.Graph;
using Axon.Graph.Builder;

namespace Axon.Training.Trainer;

/// <summary>
/// Small models whose backward pass is written out by hand in IR (no autograd): softmax regression and a one-hidden-
/// layer MLP with softmax cross-entropy. They test the training loop independently of autograd and serve as a
/// reference for its gradients. Labels are one-hot floats [batch, classes].
/// </summary>
public static class HandWrittenModels
{
    /// <summary>logits = flatten(input)·W + b; loss = mean cross-entropy. <paramref name="hidden"/> = 0 gives softmax regression.</summary>
    public static TrainProgram Mlp(int inputSize, int hidden, int classes, ulong seed, int[]? imageShape = null)
    {
        imageShape ??= [1, 28, 28];
        var init = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var paramNames = new List<string>();
        void AddParam(string name, Tensor t)
        {
            init[name] = t;
            paramNames.Add(name);
        }
        int firstOut = hidden > 0 ? hidden : classes;
        AddParam("fc1.weight", Weight("fc1.weight", [inputSize, firstOut], seed, hidden > 0 ? WeightInit.He : WeightInit.Xavier));
        AddParam("fc1.bias", Tensor.Create(DType.Float32, firstOut));
        if (hidden > 0)
        {
            AddParam("fc2.weight", Weight("fc2.weight", [hidden, classes], seed, WeightInit.Xavier));
            AddParam("fc2.bias", Tensor.Create(DType.Float32, classes));
        }

        // Training graph.
        var b = new GraphBuilder(hidden > 0 ? "mlp-train" : "softmax-regression-train");
        var input = b.Input("input", DType.Float32, ["batch", .. imageShape.Cast<object>()]);
        var labels = b.Input("labels", DType.Float32, "batch", classes);
        var p = paramNames.ToDictionary(n => n, n => b.Input(n, DType.Float32, init[n].Shape.Cast<object>().ToArray()));
        var x = b.Flatten(input);
        var grads = new Dictionary<string, Value>();
        Value logits, h = default, pre = default;
        if (hidden > 0)
        {
            pre = b.Gemm(x, p["fc1.weight"], p["fc1.bias"]);
            h = b.Relu(pre);
            logits = b.Gemm(h, p["fc2.weight"], p["fc2.bias"]);
        }
        else
        {
            logits = b.Gemm(x, p["fc1.weight"], p["fc1.bias"]);
        }
        var axes0 = b.Int64s("axes0", 0);
        var axes1 = b.Int64s("axes1", 1);
        // loss = -mean_b sum_c y·logsoftmax(z)
        var perSample = b.Node("ReduceSum", [b.Mul(labels, b.Node("LogSoftmax", [logits], Attr.Of("axis", 1L))), axes1], Attr.Of("keepdims", 0L));
        var loss = b.Node("Neg", [b.Node("ReduceMean", [perSample, axes0], Attr.Of("keepdims", 0L))]);
        // dz = (softmax(z) - y) / batch; the batch size is the sum of the one-hot labels.
        var count = b.Node("ReduceSum", [labels], Attr.Of("keepdims", 0L));
        var dz = b.Div(b.Sub(b.Softmax(logits, 1), labels), count);
        if (hidden > 0)
        {
            grads["fc2.weight"] = b.Gemm(h, dz, transA: true);
            grads["fc2.bias"] = b.Node("ReduceSum", [dz, axes0], Attr.Of("keepdims", 0L));
            var dh = b.Gemm(dz, p["fc2.weight"], transB: true);
            var dpre = b.Mul(dh, b.Node("Sign", [h]));
            grads["fc1.weight"] = b.Gemm(x, dpre, transA: true);
            grads["fc1.bias"] = b.Node("ReduceSum", [dpre, axes0], Attr.Of("keepdims", 0L));
        }
        else
        {
            grads["fc1.weight"] = b.Gemm(x, dz, transA: true);
            grads["fc1.bias"] = b.Node("ReduceSum", [dz, axes0], Attr.Of("keepdims", 0L));
        }
        b.Output(loss, "loss");
        var gradOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var n in paramNames)
        {
            gradOf[n] = b.Output(grads[n], n + ".grad").Name;
        }
        b.Output(logits, "train_logits");

        // Inference graph over the same parameters.
        var ib = new GraphBuilder(hidden > 0 ? "mlp" : "softmax-regression");
        var iin = ib.Input("input", DType.Float32, ["batch", .. imageShape.Cast<object>()]);
        var ip = paramNames.ToDictionary(n => n, n => ib.Input(n, DType.Float32, init[n].Shape.Cast<object>().ToArray()));
        var ix = ib.Flatten(iin);
        var iz = hidden > 0
            ? ib.Gemm(ib.Relu(ib.Gemm(ix, ip["fc1.weight"], ip["fc1.bias"])), ip["fc2.weight"], ip["fc2.bias"])
            : ib.Gemm(ix, ip["fc1.weight"], ip["fc1.bias"]);
        ib.Output(iz, "logits");

        return new TrainProgram
        {
            TrainModel = b.Build(),
            LossOutput = "loss",
            Parameters = paramNames,
            GradientOf = gradOf,
            LogitsOutput = "train_logits",
            InferenceModel = ib.Build(),
            InitialParameters = init,
            Name = hidden > 0 ? "mlp" : "softmax-regression",
        };
    }

    private static Tensor Weight(string name, int[] shape, ulong seed, WeightInit init)
    {
        var b = new GraphBuilder();
        b.RandomWeight(name, shape, seed, init);
        return b.Build().Graph.Initializers[name];
    }
}
