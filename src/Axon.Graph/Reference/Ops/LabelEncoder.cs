using System.Globalization;

namespace Axon.Graph.Reference.Ops;

/// <summary>
/// ai.onnx.ml LabelEncoder: maps each element through keys → values (given as keys_strings/int64s/floats/tensor and
/// values_strings/int64s/floats/tensor); unmatched elements take the default of the value type.
/// </summary>
[Op("LabelEncoder", Domain = "ai.onnx.ml")]
internal sealed class LabelEncoder : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (ctx.Node.GetStrings("classes_strings") is { } classes)
        {
            return [ByClassIndex(ctx, x, classes)];
        }
        var keys = Column(ctx, "keys") ?? throw ctx.Error("needs keys_strings, keys_int64s, keys_floats or keys_tensor");
        var values = Column(ctx, "values") ?? throw ctx.Error("needs values_strings, values_int64s, values_floats or values_tensor");
        if (keys.Length != values.Length)
        {
            throw ctx.Error($"{keys.Length} keys but {values.Length} values");
        }
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        var keyStrings = KeyStrings(keys);
        for (int i = 0; i < keyStrings.Length; i++)
        {
            map.TryAdd(keyStrings[i], i);
        }
        var inputKeys = KeyStrings(x);
        var def = Default(ctx, values.DType);
        var result = Tensor.Create(values.DType, x.Shape);
        for (int i = 0; i < inputKeys.Length; i++)
        {
            if (map.TryGetValue(inputKeys[i], out int k))
            {
                AxisOps.Copy(values, k, result, i, 1);
            }
            else
            {
                AxisOps.Copy(def, 0, result, i, 1);
            }
        }
        return [result];
    }

    /// <summary>Opset 1 form: strings map to their index in classes_strings, integers to the class at that index.</summary>
    private static Tensor ByClassIndex(OpContext ctx, Tensor x, string[] classes)
    {
        if (x.DType == DType.String)
        {
            var index = new Dictionary<string, long>(StringComparer.Ordinal);
            for (int i = 0; i < classes.Length; i++)
            {
                index.TryAdd(classes[i], i);
            }
            long def = ctx.Int("default_int64", -1);
            var src = x.Strings.ToArray();
            return Tensor.FromArray(src.Select(s => index.GetValueOrDefault(s, def)).ToArray(), x.Shape);
        }
        string defString = ctx.String("default_string", "_Unused");
        var ids = x.ToInt64s();
        return Tensor.FromStrings(ids.Select(i => i >= 0 && i < classes.Length ? classes[i] : defString).ToArray(), x.Shape);
    }

    /// <summary>The keys or values attribute, whichever form is present, as a 1-D tensor.</summary>
    private static Tensor? Column(OpContext ctx, string prefix)
    {
        var n = ctx.Node;
        if (n.GetStrings(prefix + "_strings") is { } s)
        {
            return Tensor.FromStrings(s, s.Length);
        }
        if (n.GetInts(prefix + "_int64s") is { } i)
        {
            return Tensor.FromArray(i);
        }
        if (n.GetFloats(prefix + "_floats") is { } f)
        {
            return Tensor.FromArray(f);
        }
        return n.GetTensor(prefix + "_tensor") is { } t ? t.Reshape(t.Length) : null;
    }

    /// <summary>Each element as a comparable key: strings as is, integers exactly, floats by value (all NaNs equal).</summary>
    private static string[] KeyStrings(Tensor t)
    {
        if (t.DType == DType.String)
        {
            return t.Strings.ToArray().Select(s => "s" + s).ToArray();
        }
        if (t.DType.IsInteger())
        {
            return t.ToInt64s().Select(v => "i" + v.ToString(CultureInfo.InvariantCulture)).ToArray();
        }
        return t.ToDoubles().Select(v => "f" + (double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture))).ToArray();
    }

    private static Tensor Default(OpContext ctx, DType valueType)
    {
        if (ctx.Node.GetTensor("default_tensor") is { } dt)
        {
            return dt.Reshape(dt.Length);
        }
        return valueType switch
        {
            DType.String => Tensor.FromStrings([ctx.String("default_string", "_Unused")], 1),
            DType.Float32 => Tensor.FromArray([ctx.Node.HasAttr("default_float") ? ctx.Float("default_float", 0) : -0.0f]),
            DType.Int64 => Tensor.FromArray([ctx.Int("default_int64", -1)]),
            _ => Tensor.Create(valueType, 1),
        };
    }
}
