namespace Axon.Kernels.Conv;

/// <summary>
/// Shape of a 2-D NCHW convolution: input [N, C, H, W], weights [K, C/Group, KernelH, KernelW], output
/// [N, K, OutH, OutW]. Pads are explicit per side (auto_pad is resolved by the caller). A 1-D convolution is the
/// H = KernelH = 1 case of this geometry.
/// </summary>
public sealed record ConvGeometry(
    int N, int C, int H, int W, int K, int KernelH, int KernelW,
    int StrideH = 1, int StrideW = 1,
    int PadTop = 0, int PadLeft = 0, int PadBottom = 0, int PadRight = 0,
    int DilationH = 1, int DilationW = 1, int Group = 1)
{
    /// <summary>A 1-D convolution over [N, C, W] as a geometry with H = 1.</summary>
    public static ConvGeometry Conv1d(int n, int c, int w, int k, int kernel, int stride = 1, int padBegin = 0, int padEnd = 0,
        int dilation = 1, int group = 1) =>
        new(n, c, 1, w, k, 1, kernel, 1, stride, 0, padBegin, 0, padEnd, 1, dilation, group);

    public int OutH => (H + PadTop + PadBottom - DilationH * (KernelH - 1) - 1) / StrideH + 1;

    public int OutW => (W + PadLeft + PadRight - DilationW * (KernelW - 1) - 1) / StrideW + 1;

    /// <summary>Input channels per group.</summary>
    public int Cg => C / Group;

    /// <summary>Output channels per group.</summary>
    public int Kg => K / Group;

    /// <summary>Rows of the implicit im2col matrix per group (its GEMM depth).</summary>
    public int ColumnRows => Cg * KernelH * KernelW;

    /// <summary>One filter per channel: the depthwise kernel runs instead of the GEMM.</summary>
    public bool IsDepthwise => Group == C && Group == K && Group > 1;

    /// <summary>1×1, stride 1, unpadded: the input planes are already the GEMM's B operand.</summary>
    public bool IsPointwise => KernelH == 1 && KernelW == 1 && StrideH == 1 && StrideW == 1
        && PadTop == 0 && PadLeft == 0 && PadBottom == 0 && PadRight == 0;

    public long InputElements => (long)N * C * H * W;

    public long OutputElements => (long)N * K * OutH * OutW;

    public long WeightElements => (long)K * Cg * KernelH * KernelW;

    /// <summary>Multiply-adds × 2.</summary>
    public double Flops => 2.0 * N * K * OutH * OutW * ColumnRows;

    public void Validate()
    {
        if (N < 0 || C < 1 || H < 1 || W < 1 || K < 1 || KernelH < 1 || KernelW < 1)
        {
            throw new ArgumentException($"bad convolution shape {this}");
        }
        if (StrideH < 1 || StrideW < 1 || DilationH < 1 || DilationW < 1 || PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0)
        {
            throw new ArgumentException($"bad convolution strides, dilations or pads {this}");
        }
        if (Group < 1 || C % Group != 0 || K % Group != 0)
        {
            throw new ArgumentException($"group {Group} does not divide C={C} and K={K}");
        }
        if (OutH < 1 || OutW < 1)
        {
            throw new ArgumentException($"convolution output would be empty {this}");
        }
    }
}
