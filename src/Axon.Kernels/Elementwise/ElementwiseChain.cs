using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Axon.Kernels.Threading;

namespace Axon.Kernels.Elementwise;

/// <summary>The operations an elementwise chain can hold (the axon:FusedElementwise program vocabulary).</summary>
public enum ChainOp : byte
{
    Add, Sub, Mul, Div, Max, Min, Pow,
    Relu, Sigmoid, Tanh, Exp, Log, Sqrt, Neg, Abs, Erf, Reciprocal, Floor, Ceil,
    LeakyRelu, Clip, HardSigmoid, Softplus, Gelu, GeluTanh, Silu,
}

/// <summary>
/// One step of a chain: <c>t[k] = Op(A, B)</c>. An operand ≥ 0 names a chain input, a negative one the result of step
/// <c>-operand-1</c>. Alpha/Beta carry LeakyRelu's slope, Clip's bounds and HardSigmoid's coefficients.
/// </summary>
public readonly record struct ChainInstr(ChainOp Op, int A, int B, float Alpha = 0, float Beta = 0)
{
    public bool IsBinary => Op <= ChainOp.Pow;
}

/// <summary>
/// How an input broadcasts over the flat output: element <c>i</c> of the output reads <c>data[(i / Inner) % Count]</c>.
/// Full-size inputs are (1, total), scalars (1, 1), a bias over the last axis (1, C), a per-channel NCHW scale (H·W, C).
/// </summary>
public readonly record struct ChainInput(long Inner, long Count)
{
    public bool IsScalar => Count == 1;
}

/// <summary>
/// Runs a whole chain of elementwise ops in one pass over memory: the output is walked in tiles of <see cref="Tile"/>
/// floats, and every step of the program runs on the tile while it sits in L1, so intermediate tensors never reach
/// memory. Tiles are split across the worker pool.
/// </summary>
public static unsafe class ElementwiseChain
{
    public const int Tile = 256;

    /// <summary>Longest program accepted (its temporaries live on the stack: MaxSteps · Tile floats).</summary>
    public const int MaxSteps = 24;

    /// <summary>Most inputs a chain may read.</summary>
    public const int MaxInputs = 16;

    /// <summary>y = program(inputs); each input pointer is laid out as described by <paramref name="layout"/>.</summary>
    public static void Run(ChainInstr[] program, ChainInput[] layout, ReadOnlySpan<nint> inputs, float* y, long total, WorkerPool pool)
    {
        if (program.Length is 0 or > MaxSteps || layout.Length > MaxInputs || inputs.Length < layout.Length)
        {
            throw new ArgumentException($"chain of {program.Length} steps over {layout.Length} inputs is out of range");
        }
        if (total == 0)
        {
            return;
        }
        nint* ptrs = stackalloc nint[layout.Length];
        for (int i = 0; i < layout.Length; i++)
        {
            ptrs[i] = inputs[i];
        }
        long tiles = (total + Tile - 1) / Tile;
        // Chunks of at least 16 tiles (16 KB of output) so scheduling stays cheap against the work.
        int chunks = (int)Math.Max(1, Math.Min(pool.Threads * 4L, tiles / 16));
        var body = new Body(program, layout, ptrs, y, total, (tiles + chunks - 1) / chunks);
        if (chunks == 1)
        {
            body.Invoke(0);
        }
        else
        {
            pool.For(chunks, body);
        }
    }

    private readonly struct Body(ChainInstr[] program, ChainInput[] layout, nint* inputs, float* y, long total, long tilesPerChunk) : IParallelBody
    {
        public void Invoke(int chunk)
        {
            long start = chunk * tilesPerChunk * Tile;
            long end = Math.Min(total, start + tilesPerChunk * Tile);
            if (start >= end)
            {
                return;
            }
            int steps = program.Length, nin = layout.Length;
            float* temps = stackalloc float[steps * Tile];
            float* gathered = stackalloc float[nin * Tile];
            float** operands = stackalloc float*[nin];
            for (int j = 0; j < nin; j++)
            {
                if (layout[j].IsScalar)
                {
                    new Span<float>(gathered + j * Tile, Tile).Fill(*(float*)inputs[j]);
                }
            }
            for (long s = start; s < end; s += Tile)
            {
                int n = (int)Math.Min(Tile, end - s);
                for (int j = 0; j < nin; j++)
                {
                    var l = layout[j];
                    float* src = (float*)inputs[j];
                    if (l.IsScalar)
                    {
                        operands[j] = gathered + j * Tile;
                    }
                    else if (l.Inner == 1 && l.Count >= total)
                    {
                        operands[j] = src + s;
                    }
                    else
                    {
                        float* g = gathered + j * Tile;
                        for (int i = 0; i < n; i++)
                        {
                            g[i] = src[(s + i) / l.Inner % l.Count];
                        }
                        operands[j] = g;
                    }
                }
                for (int k = 0; k < steps; k++)
                {
                    var ins = program[k];
                    float* a = ins.A >= 0 ? operands[ins.A] : temps + (-ins.A - 1) * Tile;
                    float* b = !ins.IsBinary ? null : ins.B >= 0 ? operands[ins.B] : temps + (-ins.B - 1) * Tile;
                    float* d = k == steps - 1 ? y + s : temps + k * Tile;
                    Step(ins, a, b, d, n);
                }
            }
        }
    }

    private static void Step(in ChainInstr ins, float* a, float* b, float* d, int n)
    {
        switch (ins.Op)
        {
            case ChainOp.Add: Bin(default(AddOp), a, b, d, n); break;
            case ChainOp.Sub: Bin(default(SubOp), a, b, d, n); break;
            case ChainOp.Mul: Bin(default(MulOp), a, b, d, n); break;
            case ChainOp.Div: Bin(default(DivOp), a, b, d, n); break;
            case ChainOp.Max: Bin(default(MaxOp), a, b, d, n); break;
            case ChainOp.Min: Bin(default(MinOp), a, b, d, n); break;
            case ChainOp.Pow: Bin(default(PowOp), a, b, d, n); break;
            case ChainOp.Relu: Un(default(ReluOp), a, d, n); break;
            case ChainOp.Sigmoid: Un(default(SigmoidOp), a, d, n); break;
            case ChainOp.Tanh: Un(default(TanhOp), a, d, n); break;
            case ChainOp.Exp: Un(default(ExpOp), a, d, n); break;
            case ChainOp.Log: Un(default(LogOp), a, d, n); break;
            case ChainOp.Sqrt: Un(default(SqrtOp), a, d, n); break;
            case ChainOp.Neg: Un(default(NegOp), a, d, n); break;
            case ChainOp.Abs: Un(default(AbsOp), a, d, n); break;
            case ChainOp.Erf: Un(default(ErfOp), a, d, n); break;
            case ChainOp.Reciprocal: Un(default(ReciprocalOp), a, d, n); break;
            case ChainOp.Floor: Un(default(FloorOp), a, d, n); break;
            case ChainOp.Ceil: Un(default(CeilOp), a, d, n); break;
            case ChainOp.LeakyRelu: Un(new LeakyReluOp(ins.Alpha), a, d, n); break;
            case ChainOp.Clip: Un(new ClipOp(ins.Alpha, ins.Beta), a, d, n); break;
            case ChainOp.HardSigmoid: Un(new HardSigmoidOp(ins.Alpha, ins.Beta), a, d, n); break;
            case ChainOp.Softplus: Un(default(SoftplusOp), a, d, n); break;
            case ChainOp.Gelu: Un(default(GeluOp), a, d, n); break;
            case ChainOp.GeluTanh: Un(default(GeluTanhOp), a, d, n); break;
            case ChainOp.Silu: Un(default(SiluOp), a, d, n); break;
            default: throw new ArgumentException($"unknown chain op {ins.Op}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Bin<TOp>(TOp op, float* a, float* b, float* d, int n) where TOp : struct, IBinaryOp
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                op.Invoke(Vector256.Load(a + i), Vector256.Load(b + i)).Store(d + i);
            }
        }
        for (; i < n; i++)
        {
            d[i] = op.Invoke(a[i], b[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Un<TOp>(TOp op, float* a, float* d, int n) where TOp : struct, IUnaryOp
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
            {
                op.Invoke(Vector256.Load(a + i)).Store(d + i);
            }
        }
        for (; i < n; i++)
        {
            d[i] = op.Invoke(a[i]);
        }
    }

    private readonly struct LogOp : IUnaryOp
    {
        public float Invoke(float x) => MathF.Log(x);
        public Vector256<float> Invoke(Vector256<float> x) => Vector256.Log(x);
    }

    private readonly struct SqrtOp : IUnaryOp
    {
        public float Invoke(float x) => MathF.Sqrt(x);
        public Vector256<float> Invoke(Vector256<float> x) => Vector256.Sqrt(x);
    }

    private readonly struct NegOp : IUnaryOp
    {
        public float Invoke(float x) => -x;
        public Vector256<float> Invoke(Vector256<float> x) => -x;
    }

    private readonly struct AbsOp : IUnaryOp
    {
        public float Invoke(float x) => MathF.Abs(x);
        public Vector256<float> Invoke(Vector256<float> x) => Vector256.Abs(x);
    }

    private readonly struct ReciprocalOp : IUnaryOp
    {
        public float Invoke(float x) => 1f / x;
        public Vector256<float> Invoke(Vector256<float> x) => Vector256<float>.One / x;
    }

    private readonly struct FloorOp : IUnaryOp
    {
        public float Invoke(float x) => MathF.Floor(x);
        public Vector256<float> Invoke(Vector256<float> x) => Vector256.Floor(x);
    }

    private readonly struct CeilOp : IUnaryOp
    {
        public float Invoke(float x) => MathF.Ceiling(x);
        public Vector256<float> Invoke(Vector256<float> x) => Vector256.Ceiling(x);
    }

    /// <summary>
    /// log(1 + e^x) written as max(x, 0) + log1p(e^-|x|) so large x does not overflow. log1p(t) is log(u) + (t - (u - 1))/u
    /// with u = 1 + t rounded: the second term restores what rounding u lost, so softplus(-20) is 2.06e-9, not log(1) = 0.
    /// The exp is <see cref="FastExp.Exp"/> (its argument is ≤ 0); what it saves over the BCL's double-widening exp pays
    /// for the correction's divide, so the speed is unchanged (`--unary softplus`); the log is still the BCL's.
    /// </summary>
    internal readonly struct SoftplusOp : IUnaryOp
    {
        public float Invoke(float x)
        {
            float t = MathF.Exp(-MathF.Abs(x));
            float u = 1 + t;
            return MathF.Max(x, 0) + (MathF.Log(u) + (t - (u - 1)) / u);
        }

        public Vector256<float> Invoke(Vector256<float> x)
        {
            var t = FastExp.Exp(-Vector256.Abs(x));
            var u = Vector256<float>.One + t;
            var log1p = Vector256.Log(u) + (t - (u - Vector256<float>.One)) / u;
            return Vector256.Max(x, Vector256<float>.Zero) + log1p;
        }
    }
}
