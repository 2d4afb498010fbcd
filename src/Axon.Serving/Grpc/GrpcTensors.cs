using Axon.Serving.Grpc.Protocol;
using Axon.Serving.Protocol;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace Axon.Serving.Grpc;

/// <summary>
/// gRPC tensors: typed <c>InferTensorContents</c> lists or <c>raw_input_contents</c> in, <c>raw_output_contents</c> out
/// (as Triton answers). BOOL uses bool_contents, INT8/16/32 int_contents, INT64 int64_contents, UINT8/16/32
/// uint_contents, UINT64 uint64_contents, FP32 fp32_contents, FP64 fp64_contents, BYTES bytes_contents; FP16 and BF16
/// only travel raw.
/// </summary>
internal static class GrpcTensors
{
    public static InferRequest Decode(ModelInferRequest r)
    {
        bool raw = r.RawInputContents.Count > 0;
        if (raw && r.RawInputContents.Count != r.Inputs.Count)
        {
            throw ServingException.BadRequest(ServingCodes.BadBinary,
                $"raw_input_contents has {r.RawInputContents.Count} entries but there are {r.Inputs.Count} inputs (one entry per input, in order)");
        }
        var req = new InferRequest { Id = r.Id.Length > 0 ? r.Id : null, Policy = RequestPolicy.From(Int(r, "priority"), Int(r, "timeout")) };
        for (int i = 0; i < r.Inputs.Count; i++)
        {
            var input = r.Inputs[i];
            if (input.Name.Length == 0)
            {
                throw ServingException.BadRequest(ServingCodes.BadField, $"inputs[{i}] has no name");
            }
            string what = $"input '{Repository.RepositoryPaths.Clip(input.Name)}'";
            var dtype = Datatypes.Parse(input.Datatype, what);
            var shape = Shapes.Check(input.Shape, what);
            Tensor t;
            if (raw)
            {
                if (input.Contents is not null && HasAny(input.Contents))
                {
                    throw ServingException.BadRequest(ServingCodes.BadField, $"{what}: give contents or raw_input_contents, not both");
                }
                t = TensorBinary.Decode(r.RawInputContents[i].Span, dtype, shape, what);
            }
            else
            {
                t = FromContents(input.Contents ?? new InferTensorContents(), dtype, shape, what);
            }
            req.Inputs.Add(new InferInput(input.Name, t));
        }
        if (r.Outputs.Count > 0)
        {
            req.Outputs = r.Outputs.Select(o => new RequestedOutput(o.Name, true)).ToList();
        }
        return req;
    }

    public static ModelInferResponse Encode(InferResponse r)
    {
        var resp = new ModelInferResponse { ModelName = r.ModelName, ModelVersion = r.ModelVersion, Id = r.Id ?? "" };
        foreach (var o in r.Outputs)
        {
            var t = new ModelInferResponse.Types.InferOutputTensor { Name = o.Name, Datatype = Datatypes.Name(o.Tensor.DType) };
            t.Shape.AddRange(o.Tensor.Shape.Select(d => (long)d));
            resp.Outputs.Add(t);
            resp.RawOutputContents.Add(UnsafeByteOperations.UnsafeWrap(TensorBinary.ToArray(o.Tensor)));
        }
        return resp;
    }

    private static long? Int(ModelInferRequest r, string name)
    {
        if (!r.Parameters.TryGetValue(name, out var p))
        {
            return null;
        }
        return p.ParameterChoiceCase switch
        {
            InferParameter.ParameterChoiceOneofCase.Int64Param => p.Int64Param,
            InferParameter.ParameterChoiceOneofCase.Uint64Param => p.Uint64Param <= long.MaxValue ? (long)p.Uint64Param : long.MaxValue,
            _ => throw ServingException.BadRequest(ServingCodes.BadField, $"parameter '{name}' must be an int64 or uint64 parameter"),
        };
    }

    private static bool HasAny(InferTensorContents c) =>
        c.BoolContents.Count + c.IntContents.Count + c.Int64Contents.Count + c.UintContents.Count + c.Uint64Contents.Count
        + c.Fp32Contents.Count + c.Fp64Contents.Count + c.BytesContents.Count > 0;

    private static Tensor FromContents(InferTensorContents c, DType dtype, int[] shape, string what)
    {
        long n = Shapes.Count(shape);
        if (n == 0 && !HasAny(c))
        {
            return dtype == DType.String ? Tensor.FromStrings([], shape) : Tensor.Create(dtype, shape);
        }
        switch (dtype)
        {
            case DType.Bool: return Typed(c.BoolContents, "bool_contents", n, what, v => Tensor.FromArray(v, shape));
            case DType.Int8 or DType.Int16 or DType.Int32:
                return Typed(c.IntContents, "int_contents", n, what, v => Ranged(v.Select(x => (long)x).ToArray(), dtype, shape, what));
            case DType.Int64: return Typed(c.Int64Contents, "int64_contents", n, what, v => Tensor.FromArray(v, shape));
            case DType.UInt8 or DType.UInt16 or DType.UInt32:
                return Typed(c.UintContents, "uint_contents", n, what, v => Ranged(v.Select(x => (long)x).ToArray(), dtype, shape, what));
            case DType.UInt64: return Typed(c.Uint64Contents, "uint64_contents", n, what, v => Tensor.FromArray(v, shape));
            case DType.Float32: return Typed(c.Fp32Contents, "fp32_contents", n, what, v => Tensor.FromArray(v, shape));
            case DType.Float64: return Typed(c.Fp64Contents, "fp64_contents", n, what, v => Tensor.FromArray(v, shape));
            case DType.String:
                return Typed(c.BytesContents, "bytes_contents", n, what, v =>
                {
                    try
                    {
                        return Tensor.FromStrings(v.Select(b => TensorJson.Utf8.GetString(b.Span)).ToArray(), shape);
                    }
                    catch (System.Text.DecoderFallbackException)
                    {
                        throw ServingException.BadRequest(ServingCodes.BadData, $"{what}: a BYTES element is not valid UTF-8");
                    }
                });
            default:
                throw ServingException.BadRequest(ServingCodes.BadData, $"{what}: {Datatypes.Name(dtype)} has no typed contents field; send it in raw_input_contents");
        }
    }

    private static Tensor Typed<T>(RepeatedField<T> values, string field, long n, string what, Func<T[], Tensor> make)
    {
        if (values.Count != n)
        {
            throw ServingException.BadRequest(ServingCodes.BadData, $"{what}: {field} has {values.Count} elements but the shape needs {n}");
        }
        return make(values.ToArray());
    }

    private static Tensor Ranged(long[] v, DType dtype, int[] shape, string what)
    {
        (long lo, long hi) = dtype switch
        {
            DType.Int8 => ((long)sbyte.MinValue, (long)sbyte.MaxValue),
            DType.Int16 => (short.MinValue, short.MaxValue),
            DType.UInt8 => (0L, byte.MaxValue),
            DType.UInt16 => (0L, ushort.MaxValue),
            DType.UInt32 => (0L, uint.MaxValue),
            _ => (int.MinValue, int.MaxValue),
        };
        foreach (var x in v)
        {
            if (x < lo || x > hi)
            {
                throw ServingException.BadRequest(ServingCodes.BadData, $"{what}: value {x} is out of range for {Datatypes.Name(dtype)}");
            }
        }
        return Tensor.FromInt64s(dtype, v, shape);
    }
}
