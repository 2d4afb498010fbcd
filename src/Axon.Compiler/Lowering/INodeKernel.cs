using System.Reflection;
using TypeInfo = Axon.Graph.TypeInfo;
using Axon.Graph;
using Axon.Kernels.Threading;

namespace Axon.Compiler.Lowering;

/// <summary>A node bound to a fast kernel for fixed input shapes and types; weights it needs are prepared once.</summary>
public interface INodeKernel
{
    /// <summary>Which kernel runs (shown by <c>axon inspect</c> and profiles), e.g. <c>sgemm.avx2.prepacked</c>.</summary>
    string Name { get; }

    /// <summary>Computes the outputs (already allocated with their planned shapes) from the inputs.</summary>
    void Execute(ReadOnlySpan<Tensor?> inputs, ReadOnlySpan<Tensor> outputs, WorkerPool pool);
}

/// <summary>What a kernel provider is offered: a node, its static input/output types and any constant inputs.</summary>
public sealed record KernelRequest(Node Node, long Opset, TypeInfo?[] InputTypes, TypeInfo?[] OutputTypes, Tensor?[] Constants)
{
    public int[]? StaticShape(TypeInfo? t) => t is { Kind: TypeKind.Tensor } && t.Shape.IsStatic ? t.Shape.ToInts() : null;

    public int[]? InputShape(int i) => i < InputTypes.Length ? StaticShape(InputTypes[i]) : null;

    public int[]? OutputShape(int i) => i < OutputTypes.Length ? StaticShape(OutputTypes[i]) : null;

    public bool AllFloat32 =>
        InputTypes.All(t => t is null || t.ElemType == DType.Float32) && OutputTypes.All(t => t is null || t.ElemType == DType.Float32);

    public bool HasInput(int i) => i < Node.Inputs.Count && Node.Inputs[i].Length > 0;
}

/// <summary>Creates fast kernels for one op family; returns null when it does not handle a particular node.</summary>
public interface IKernelProvider
{
    INodeKernel? TryCreate(KernelRequest request);
}

/// <summary>Marks a kernel provider for an op; providers are found by reflection (no hand-kept list).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class KernelForAttribute(string opType) : System.Attribute
{
    public string OpType { get; } = opType;
    public string Domain { get; init; } = "";
}

/// <summary>Kernel selection: the first provider registered for a node's op that accepts it wins.</summary>
public static class KernelRegistry
{
    private static readonly Lazy<Dictionary<(string, string), List<IKernelProvider>>> Providers = new(Discover);

    private static Dictionary<(string, string), List<IKernelProvider>> Discover()
    {
        var d = new Dictionary<(string, string), List<IKernelProvider>>();
        foreach (var t in typeof(KernelRegistry).Assembly.GetTypes())
        {
            var attrs = t.GetCustomAttributes<KernelForAttribute>().ToArray();
            if (attrs.Length == 0)
            {
                continue;
            }
            var p = (IKernelProvider)Activator.CreateInstance(t)!;
            foreach (var a in attrs)
            {
                var key = (a.Domain, a.OpType);
                if (!d.TryGetValue(key, out var l))
                {
                    d[key] = l = [];
                }
                l.Add(p);
            }
        }
        return d;
    }

    public static INodeKernel? Select(KernelRequest request)
    {
        if (!Providers.Value.TryGetValue((request.Node.Domain, request.Node.OpType), out var list))
        {
            return null;
        }
        foreach (var p in list)
        {
            if (p.TryCreate(request) is { } k)
            {
                return k;
            }
        }
        return null;
    }

    /// <summary>Ops that have at least one fast kernel.</summary>
    public static IEnumerable<string> Ops => Providers.Value.Keys.Select(k => k.Item1.Length > 0 ? $"{k.Item1}:{k.Item2}" : k.Item2).Order();
}
