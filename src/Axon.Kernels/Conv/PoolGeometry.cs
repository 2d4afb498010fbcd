namespace Axon.Kernels.Conv;

/// <summary>
/// Shape of a 2-D NCHW pooling window. Output sizes follow ONNX: floor or (with <see cref="CeilMode"/>) ceil of the
/// window count, dropping a last window that would start inside the end padding.
/// </summary>
public sealed record PoolGeometry(
    int N, int C, int H, int W, int KernelH, int KernelW,
    int StrideH = 1, int StrideW = 1,
    int PadTop = 0, int PadLeft = 0, int PadBottom = 0, int PadRight = 0,
    int DilationH = 1, int DilationW = 1, bool CeilMode = false)
{
    public int OutH => Out(H, KernelH, StrideH, PadTop, PadBottom, DilationH);

    public int OutW => Out(W, KernelW, StrideW, PadLeft, PadRight, DilationW);

    public long InputElements => (long)N * C * H * W;

    public long OutputElements => (long)N * C * OutH * OutW;

    private int Out(int n, int k, int s, int pb, int pe, int d)
    {
        int span = n + pb + pe - d * (k - 1) - 1;
        if (span < 0)
        {
            return 0;
        }
        int o = CeilMode ? (span + s - 1) / s + 1 : span / s + 1;
        if (CeilMode && (o - 1) * s >= n + pb)
        {
            o--;
        }
        return o;
    }

    public void Validate()
    {
        if (N < 0 || C < 1 || H < 1 || W < 1 || KernelH < 1 || KernelW < 1 || StrideH < 1 || StrideW < 1
            || DilationH < 1 || DilationW < 1 || PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0)
        {
            throw new ArgumentException($"bad pooling geometry {this}");
        }
        if (OutH < 1 || OutW < 1)
        {
            throw new ArgumentException($"pooling output would be empty {this}");
        }
    }
}
