namespace Axon.Kernels.Threading;

/// <summary>
/// Per-thread, 64-byte-aligned scratch buffers for kernels (packing panels, score tiles), grown on demand and kept for
/// the thread's life so steady-state inference allocates nothing. Each kernel family uses its own slot so nested
/// kernels on one thread never share a buffer.
/// </summary>
public static unsafe class ThreadScratch
{
    public const int GemmPackA = 0;
    public const int AttentionScores = 1;
    public const int ConvColumns = 2;
    public const int NchwcPadded = 3;
    public const int AttentionKeys = 4;
    public const int AttentionValues = 5;
    public const int ConvPackB = 6;
    public const int ConvSubsample = 7;
    public const int WinogradInput = 8;
    public const int WinogradProducts = 9;
    private const int Slots = 10;

    [ThreadStatic]
    private static AlignedBuffer?[]? _buffers;

    public static float* Floats(int slot, long count)
    {
        var buffers = _buffers ??= new AlignedBuffer?[Slots];
        long bytes = Math.Max(1, count) * sizeof(float);
        var b = buffers[slot];
        if (b is null || b.Capacity < bytes)
        {
            b?.Dispose();
            buffers[slot] = b = BufferPool.Shared.Rent(bytes);
        }
        return (float*)b.Pointer;
    }
}
