using Axon.Compiler.Passes;
using Axon.Graph;

namespace Axon.Compiler.Quantization;

/// <summary>
/// <c>--auto-cast all</c>: embedding tables (constant FP32 data of a Gather, e.g. MiniLM's 30522×384 word embeddings,
/// about half its weight bytes) are stored as BF16/FP16 too; the Gather copies half-width rows and a Cast widens only the
/// gathered rows to FP32. Nearest rounding (a lookup table gains nothing from stochastic rounding).
/// </summary>
public sealed class AutoCastEmbeddings : PassBase
{
    /// <summary>Tables smaller than this stay FP32 (nothing to save).</summary>
    public const int MinElements = 4096;

    public override string Name => "auto-cast-embeddings";

    public override Axon.Graph.Graph Run(Axon.Graph.Graph graph, PassContext context)
    {
        var index = new GraphIndex(graph);
        var exclude = new HashSet<string>(context.Options.PrecisionExclude, StringComparer.Ordinal);
        var replace = new Dictionary<Node, Node[]>();
        var inits = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        bool bf16 = context.Options.AutoCastType == CastType.BFloat16;
        foreach (var n in graph.Nodes)
        {
            if (n.Domain.Length != 0 || n.OpType != "Gather" || n.Outputs.Count != 1 || exclude.Contains(n.Name) || n.Outputs.Any(exclude.Contains)
                || index.Constant(n.Inputs[0]) is not { DType: DType.Float32 } table || table.Length < MinElements)
            {
                continue;
            }
            context.CurrentNode = n;
            var src = table.ReadOnlySpan<float>();
            string name = Rewrite.FreshName(graph, n.Inputs[0] + (bf16 ? "_bf16" : "_fp16"), taken);
            if (bf16)
            {
                var b = new BFloat16[src.Length];
                for (int i = 0; i < b.Length; i++)
                {
                    b[i] = BFloat16.FromFloat(src[i]);
                }
                inits[name] = Tensor.FromArray(b, table.Shape);
            }
            else
            {
                var h = new Half[src.Length];
                for (int i = 0; i < h.Length; i++)
                {
                    h[i] = (Half)src[i];
                }
                inits[name] = Tensor.FromArray(h, table.Shape);
            }
            string narrow = Rewrite.FreshName(graph, n.Outputs[0] + "_narrow", taken);
            var gather = new Node("Gather", [name, .. n.Inputs.Skip(1)], [narrow], n.Name);
            foreach (var kv in n.Attributes)
            {
                gather.Attributes[kv.Key] = kv.Value;
            }
            var cast = new Node("Cast", [narrow], n.Outputs, n.Name + "/widen");
            cast.SetAttr(Attr.Of("to", (long)DType.Float32));
            replace[n] = [gather, cast];
            context.Count(Name, "Gather");
        }
        context.CurrentNode = null;
        return replace.Count == 0 ? graph : MatMulWeightPass.Apply(graph, replace, inits);
    }
}
