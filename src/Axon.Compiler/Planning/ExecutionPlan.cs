using Axon.Compiler.Lowering;
using Axon.Graph;
using Axon.Graph.Reference;

namespace Axon.Compiler.Planning;

public enum SlotKind
{
    /// <summary>Fed by the caller.</summary>
    Input,

    /// <summary>An initializer or a value folded at plan time (shape arithmetic once shapes are bound).</summary>
    Constant,

    /// <summary>Written by a fast kernel into the activation arena at a planned offset.</summary>
    Planned,

    /// <summary>Produced at run time with a shape only known then (reference fallback), or a graph output (owned by the caller).</summary>
    Dynamic,

    /// <summary>A zero-copy view of another slot with another shape (Reshape, Flatten, Squeeze, Unsqueeze, Identity).</summary>
    Alias,
}

/// <summary>One value of the plan.</summary>
public sealed record Slot(string Name, SlotKind Kind, DType DType, int[]? Shape)
{
    public long Offset { get; init; } = -1;
    public int AliasOf { get; init; } = -1;
    public Tensor? Constant { get; init; }
    public bool IsGraphOutput { get; init; }
}

/// <summary>One node to run: a fast kernel, or the reference op as fallback (or nothing for an alias).</summary>
public sealed record PlanStep(Node Node, long Opset, INodeKernel? Kernel, IReferenceOp? Reference, int[] Inputs, int[] Outputs)
{
    /// <summary>Outer-scope values the node's subgraphs read, by name and slot.</summary>
    public (string Name, int Slot)[] Captures { get; init; } = [];

    public string KernelName => Kernel?.Name ?? (Reference is not null ? "reference" : "alias");
}

/// <summary>
/// A graph specialized to concrete input shapes: every value is a slot, every node a step with its kernel chosen,
/// and activations placed in one arena by the memory planner.
/// </summary>
public sealed class ExecutionPlan
{
    public required Axon.Graph.Graph Graph { get; init; }
    public required IReadOnlyDictionary<string, long> OpsetImports { get; init; }
    public required IReadOnlyList<Slot> Slots { get; init; }
    public required IReadOnlyList<PlanStep> Steps { get; init; }
    public required int[] InputSlots { get; init; }
    public required int[] OutputSlots { get; init; }
    public required MemoryPlan Memory { get; init; }
    public required IReadOnlyDictionary<string, int[]> InputShapes { get; init; }

    public long ArenaBytes => Memory.PeakBytes;

    /// <summary>Steps on fast kernels vs. on the reference fallback.</summary>
    public (int Fast, int Reference, int Alias) KernelCounts =>
        (Steps.Count(s => s.Kernel is not null), Steps.Count(s => s.Reference is not null), Steps.Count(s => s.Kernel is null && s.Reference is null));
}
