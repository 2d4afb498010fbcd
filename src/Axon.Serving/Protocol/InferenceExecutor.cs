using Axon.Serving.Repository;

namespace Axon.Serving.Protocol;

/// <summary>
/// Checks a decoded request against the model it names (input names, dtypes, shapes, batch size, requested outputs)
/// and runs it. Everything a client can get wrong is refused here with a 4xx before the runtime sees it.
/// </summary>
internal static class InferenceExecutor
{
    public static async Task<InferResponse> RunAsync(IServedModel model, InferRequest req, CancellationToken ct)
    {
        var inputs = Check(model, req);
        var wanted = Requested(model, req);
        IReadOnlyList<KeyValuePair<string, Tensor>> results;
        try
        {
            results = await model.InferAsync(inputs, req.Policy, ct).ConfigureAwait(false);
        }
        catch (AxonInputException e)
        {
            throw ServingException.BadRequest(ServingCodes.InputMismatch, $"model '{model.Name}': {e.Message}");
        }
        var byName = results.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var outs = new List<InferOutput>(wanted.Count);
        foreach (var o in wanted)
        {
            outs.Add(new InferOutput(o.Name, byName[o.Name], o.Binary));
        }
        return new InferResponse(model.Name, model.Version, req.Id, outs);
    }

    public static Dictionary<string, Tensor> Check(IServedModel model, InferRequest req)
    {
        var inputs = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var input in req.Inputs)
        {
            var spec = model.Inputs.FirstOrDefault(s => s.Name == input.Name)
                ?? throw ServingException.BadRequest(ServingCodes.UnknownInput,
                    $"model '{model.Name}' has no input named '{RepositoryPaths.Clip(input.Name)}' (inputs: {string.Join(", ", model.Inputs.Select(s => s.Name))})");
            if (!inputs.TryAdd(input.Name, input.Tensor))
            {
                throw ServingException.BadRequest(ServingCodes.BadField, $"input '{input.Name}' is given twice");
            }
            CheckTensor(model, spec, input.Tensor);
        }
        foreach (var spec in model.Inputs)
        {
            if (!inputs.ContainsKey(spec.Name))
            {
                throw ServingException.BadRequest(ServingCodes.MissingInput,
                    $"model '{model.Name}' needs input '{spec.Name}' ({spec.Datatype} {Shapes.Text(spec.Shape)}), which the request does not give");
            }
        }
        return inputs;
    }

    private static void CheckTensor(IServedModel model, TensorSpec spec, Tensor t)
    {
        if (spec.DType != DType.Undefined && t.DType != spec.DType)
        {
            throw ServingException.BadRequest(ServingCodes.InputMismatch,
                $"input '{spec.Name}' of model '{model.Name}' is {spec.Datatype}, the request sends {Datatypes.Name(t.DType)}");
        }
        if (spec.Shape.Length > 0 || spec.DType != DType.Undefined)
        {
            bool fits = spec.Shape.Length == t.Rank;
            for (int d = 0; fits && d < t.Rank; d++)
            {
                fits = spec.Shape[d] < 0 || spec.Shape[d] == t.Shape[d];
            }
            if (!fits)
            {
                throw ServingException.BadRequest(ServingCodes.BadShape,
                    $"input '{spec.Name}' of model '{model.Name}' has shape {Shapes.Text(spec.Shape)} (-1 = any), the request sends {Shapes.Text(t.Shape.Select(x => (long)x))}");
            }
        }
        if (model.MaxBatchSize > 0 && t.Rank > 0 && t.Shape[0] > model.MaxBatchSize)
        {
            throw ServingException.BadRequest(ServingCodes.BatchTooLarge,
                $"input '{spec.Name}': batch size {t.Shape[0]} is more than model '{model.Name}' allows (max_batch_size {model.MaxBatchSize})");
        }
    }

    private static List<RequestedOutput> Requested(IServedModel model, InferRequest req)
    {
        if (req.Outputs is null || req.Outputs.Count == 0)
        {
            return model.Outputs.Select(o => new RequestedOutput(o.Name, req.BinaryOutputs)).ToList();
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in req.Outputs)
        {
            if (!model.Outputs.Any(s => s.Name == o.Name))
            {
                throw ServingException.BadRequest(ServingCodes.UnknownOutput,
                    $"model '{model.Name}' has no output named '{RepositoryPaths.Clip(o.Name)}' (outputs: {string.Join(", ", model.Outputs.Select(s => s.Name))})");
            }
            if (!seen.Add(o.Name))
            {
                throw ServingException.BadRequest(ServingCodes.BadField, $"output '{o.Name}' is requested twice");
            }
        }
        return req.Outputs;
    }
}
