using Axon.Graph;
using Axon.IO;
using Axon.Onnx;

namespace Axon.Cli.Running;

/// <summary>
/// Turns <c>NAME=FILE.npy</c> (or <c>NAME=FILE.pb</c>, a serialized ONNX value) arguments into model feeds and checks each against the model's declared input type: the name
/// must exist, the dtype must match, and the shape must match the declared dims, with each symbolic dim bound to one size
/// across all inputs. Nothing is invented: an input that is not given is an error (only empty optionals may be omitted).
/// </summary>
internal static class InputBinder
{
    /// <summary>Splits <c>NAME=PATH</c> arguments; a malformed one is a usage error.</summary>
    public static List<(string Name, string Path)> ParseAssignments(IEnumerable<string> args)
    {
        var list = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string a in args)
        {
            int eq = a.IndexOf('=');
            if (eq <= 0 || eq == a.Length - 1)
            {
                throw new UsageException($"--input '{a}' is not of the form NAME=FILE.npy");
            }
            string name = a[..eq];
            if (!seen.Add(name))
            {
                throw new UsageException($"input '{name}' is given more than once");
            }
            list.Add((name, a[(eq + 1)..]));
        }
        return list;
    }

    public static Dictionary<string, IValue?> Bind(Graph.Graph g, IReadOnlyList<(string Name, string Path)> given)
    {
        var declared = g.Inputs.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var runtime = g.RuntimeInputs.ToList();
        string known = runtime.Count == 0 ? "the model takes no inputs" : "inputs: " + string.Join(", ", runtime.Select(i => $"{i.Name} {i.Type}"));
        var feeds = new Dictionary<string, IValue?>(StringComparer.Ordinal);
        var symbols = new Dictionary<string, (long Size, string Input)>(StringComparer.Ordinal);
        foreach (var (name, path) in given)
        {
            if (!declared.TryGetValue(name, out var vi))
            {
                throw new AxonInputException($"the model has no input named '{name}' ({known})", "AXON202");
            }
            if (path.EndsWith(".pb", StringComparison.OrdinalIgnoreCase))
            {
                // A serialized TensorProto/SequenceProto/OptionalProto, as in ONNX test data.
                var v = OnnxModel.LoadValue(path, vi.Type);
                if (v is Tensor pt)
                {
                    Check(vi, pt, path, symbols);
                }
                feeds[name] = v;
                continue;
            }
            if (vi.Type.Kind is not (TypeKind.Tensor or TypeKind.Unknown))
            {
                throw new AxonInputException($"input '{name}' is a {vi.Type}; a .npy file can only supply a tensor (use a .pb file)", "AXON208");
            }
            var t = Npy.Read(path);
            Check(vi, t, path, symbols);
            feeds[name] = t;
        }
        var missing = runtime.Where(i => !feeds.ContainsKey(i.Name) && i.Type.Kind != TypeKind.Optional).ToList();
        if (missing.Count > 0)
        {
            throw new AxonInputException(
                $"missing input{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(i => $"'{i.Name}' ({i.Type})"))}: give each as --input NAME=FILE.npy",
                "AXON201");
        }
        foreach (var opt in runtime.Where(i => !feeds.ContainsKey(i.Name)))
        {
            feeds[opt.Name] = new OptionalValue(null);
        }
        return feeds;
    }

    private static void Check(ValueInfo vi, Tensor t, string path, Dictionary<string, (long Size, string Input)> symbols)
    {
        var type = vi.Type;
        if (type.Kind == TypeKind.Unknown)
        {
            return;
        }
        if (type.ElemType != DType.Undefined && type.ElemType != t.DType)
        {
            throw new AxonInputException(
                $"input '{vi.Name}' expects {type.ElemType.OnnxName()} but '{path}' holds {t.DType.OnnxName()}", "AXON206");
        }
        if (!type.Shape.HasRank)
        {
            return;
        }
        string expected = type.Shape.ToString();
        string actual = "[" + string.Join(",", t.Shape) + "]";
        if (type.Shape.Rank != t.Rank)
        {
            throw new AxonInputException(
                $"input '{vi.Name}' expects rank {type.Shape.Rank} {expected} but '{path}' has shape {actual}", "AXON207");
        }
        for (int d = 0; d < t.Rank; d++)
        {
            var dim = type.Shape[d];
            if (dim.IsKnown && dim.Value != t.Shape[d])
            {
                throw new AxonInputException(
                    $"input '{vi.Name}' expects shape {expected} but '{path}' has shape {actual} (dimension {d} is {t.Shape[d]}, not {dim.Value})", "AXON207");
            }
            if (dim.IsSymbolic)
            {
                if (symbols.TryGetValue(dim.Symbol!, out var bound) && bound.Size != t.Shape[d])
                {
                    throw new AxonInputException(
                        $"input '{vi.Name}' has {dim.Symbol}={t.Shape[d]} (dimension {d}) but input '{bound.Input}' has {dim.Symbol}={bound.Size}", "AXON207");
                }
                symbols[dim.Symbol!] = (t.Shape[d], vi.Name);
            }
        }
    }
}
