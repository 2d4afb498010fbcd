namespace Axon.Graph.Builder;

/// <summary>Typed helpers for the common ops (attributes spelled as C# parameters, defaults as in ONNX).</summary>
public sealed partial class GraphBuilder
{
    public Value Add(Value a, Value b) => Node("Add", [a, b]);
    public Value Sub(Value a, Value b) => Node("Sub", [a, b]);
    public Value Mul(Value a, Value b) => Node("Mul", [a, b]);
    public Value Div(Value a, Value b) => Node("Div", [a, b]);
    public Value MatMul(Value a, Value b) => Node("MatMul", [a, b]);
    public Value Relu(Value x) => Node("Relu", [x]);
    public Value Sigmoid(Value x) => Node("Sigmoid", [x]);
    public Value Tanh(Value x) => Node("Tanh", [x]);

    /// <summary>Gelu as an op from opset 20; earlier opsets get the erf formula 0.5*x*(1+erf(x/sqrt(2))).</summary>
    public Value Gelu(Value x)
    {
        if (Opset >= 20)
        {
            return Node("Gelu", [x]);
        }
        var half = AnonymousConstant("gelu_half", Tensor.Scalar(0.5f));
        var one = AnonymousConstant("gelu_one", Tensor.Scalar(1f));
        var invSqrt2 = AnonymousConstant("gelu_rsqrt2", Tensor.Scalar((float)(1 / Math.Sqrt(2))));
        var erf = Node("Erf", [Mul(x, invSqrt2)]);
        return Mul(Mul(x, half), Add(erf, one));
    }

    public Value Gemm(Value a, Value b, Value? c = null, bool transA = false, bool transB = false, float alpha = 1, float beta = 1)
    {
        var attrs = new List<Attr>();
        if (transA)
        {
            attrs.Add(Attr.Of("transA", 1L));
        }
        if (transB)
        {
            attrs.Add(Attr.Of("transB", 1L));
        }
        if (alpha != 1)
        {
            attrs.Add(Attr.Of("alpha", alpha));
        }
        if (beta != 1)
        {
            attrs.Add(Attr.Of("beta", beta));
        }
        return Node("Gemm", c is { } cv ? [a, b, cv] : [a, b], attrs.ToArray());
    }

    /// <summary>Conv with explicit geometry; pads as [begin..., end...] (ONNX order), one int meaning all sides.</summary>
    public Value Conv(Value x, Value w, Value? bias = null, long[]? strides = null, long[]? pads = null, long[]? dilations = null, long group = 1)
    {
        var attrs = new List<Attr>();
        if (strides is not null)
        {
            attrs.Add(Attr.Of("strides", strides));
        }
        if (pads is not null)
        {
            attrs.Add(Attr.Of("pads", pads));
        }
        if (dilations is not null)
        {
            attrs.Add(Attr.Of("dilations", dilations));
        }
        if (group != 1)
        {
            attrs.Add(Attr.Of("group", group));
        }
        return Node("Conv", bias is { } b ? [x, w, b] : [x, w], attrs.ToArray());
    }

    /// <summary>BatchNormalization in inference mode with the given parameter values.</summary>
    public Value BatchNorm(Value x, Value scale, Value bias, Value mean, Value var, float epsilon = 1e-5f) =>
        Node("BatchNormalization", [x, scale, bias, mean, var], Attr.Of("epsilon", epsilon));

    /// <summary>BatchNormalization over <paramref name="channels"/> with identity statistics (scale 1, bias 0, mean 0, var 1).</summary>
    public Value BatchNorm(Value x, int channels, string prefix, float epsilon = 1e-5f) =>
        BatchNorm(x, Ones(prefix + "_scale", [channels]), Zeros(prefix + "_bias", [channels]), Zeros(prefix + "_mean", [channels]),
            Ones(prefix + "_var", [channels]), epsilon);

    public Value MaxPool(Value x, long[] kernel, long[]? strides = null, long[]? pads = null)
    {
        var attrs = new List<Attr> { Attr.Of("kernel_shape", kernel) };
        if (strides is not null)
        {
            attrs.Add(Attr.Of("strides", strides));
        }
        if (pads is not null)
        {
            attrs.Add(Attr.Of("pads", pads));
        }
        return Node("MaxPool", [x], attrs.ToArray());
    }

    public Value GlobalAveragePool(Value x) => Node("GlobalAveragePool", [x]);

    public Value Flatten(Value x, long axis = 1) => Node("Flatten", [x], Attr.Of("axis", axis));

    /// <summary>Reshape to a constant shape (0 copies a dim, -1 is inferred).</summary>
    public Value Reshape(Value x, params long[] shape) => Node("Reshape", [x, AnonymousConstant("shape", Tensor.FromArray(shape))]);

    public Value Transpose(Value x, params long[] perm) => perm.Length == 0 ? Node("Transpose", [x]) : Node("Transpose", [x], Attr.Of("perm", perm));

    public Value Softmax(Value x, long axis = -1) => Node("Softmax", [x], Attr.Of("axis", axis));

    /// <summary>LayerNormalization over the last axes from <paramref name="axis"/> (an op from opset 17).</summary>
    public Value LayerNorm(Value x, Value scale, Value? bias = null, long axis = -1, float epsilon = 1e-5f) =>
        Node("LayerNormalization", bias is { } b ? [x, scale, b] : [x, scale], Attr.Of("axis", axis), Attr.Of("epsilon", epsilon));

    public Value Concat(long axis, params Value[] xs) => Node("Concat", xs, Attr.Of("axis", axis));
}
