namespace Axon.Compiler.Planning;

/// <summary>One activation buffer to place: its size and the first and last plan step that touch it.</summary>
public readonly record struct BufferRequest(string Name, long Bytes, int FirstStep, int LastStep);

/// <summary>Where each buffer lives in the activation arena, and how big the arena must be.</summary>
public sealed class MemoryPlan
{
    public MemoryPlan(IReadOnlyList<BufferRequest> requests, long[] offsets, long peakBytes)
    {
        Requests = requests;
        Offsets = offsets;
        PeakBytes = peakBytes;
    }

    public IReadOnlyList<BufferRequest> Requests { get; }

    /// <summary>Byte offset of each request in the arena (same order as <see cref="Requests"/>).</summary>
    public long[] Offsets { get; }

    /// <summary>Arena size: the most bytes live at once after packing.</summary>
    public long PeakBytes { get; }

    /// <summary>What the activations would take with one buffer each.</summary>
    public long NaiveBytes => Requests.Sum(r => MemoryPlanner.Align(r.Bytes));
}

/// <summary>
/// Static memory planning: buffers whose lifetimes do not overlap share arena space. Greedy by size (largest first,
/// each at the lowest 64-byte-aligned offset that does not collide with a placed buffer alive at the same time),
/// which is within a few percent of optimal on inference graphs and deterministic.
/// </summary>
public static class MemoryPlanner
{
    public const int Alignment = 64;

    public static long Align(long bytes) => (bytes + Alignment - 1) / Alignment * Alignment;

    public static MemoryPlan Plan(IReadOnlyList<BufferRequest> requests)
    {
        foreach (var r in requests)
        {
            if (r.Bytes < 0 || r.LastStep < r.FirstStep)
            {
                throw new ArgumentException($"buffer '{r.Name}': size {r.Bytes}, lifetime {r.FirstStep}..{r.LastStep} is invalid");
            }
        }
        var order = Enumerable.Range(0, requests.Count)
            .OrderByDescending(i => Align(requests[i].Bytes))
            .ThenBy(i => requests[i].FirstStep)
            .ThenBy(i => i)
            .ToArray();
        var offsets = new long[requests.Count];
        var placed = new List<int>(requests.Count);
        long peak = 0;
        var busy = new List<(long Start, long End)>();
        foreach (int i in order)
        {
            var r = requests[i];
            long size = Align(r.Bytes);
            busy.Clear();
            foreach (int j in placed)
            {
                var p = requests[j];
                if (p.FirstStep <= r.LastStep && r.FirstStep <= p.LastStep)
                {
                    busy.Add((offsets[j], offsets[j] + Align(p.Bytes)));
                }
            }
            busy.Sort((a, b) => a.Start.CompareTo(b.Start));
            long candidate = 0;
            long bestOffset = -1;
            long bestGap = long.MaxValue;
            // Best fit among the gaps between live buffers; the open end above them is the fallback.
            foreach (var (start, end) in busy)
            {
                if (start - candidate >= size && start - candidate < bestGap)
                {
                    bestGap = start - candidate;
                    bestOffset = candidate;
                }
                candidate = Math.Max(candidate, end);
            }
            offsets[i] = bestOffset >= 0 ? bestOffset : candidate;
            peak = Math.Max(peak, offsets[i] + size);
            placed.Add(i);
        }
        return new MemoryPlan(requests, offsets, peak);
    }
}
