namespace Axon.Graph.Reference;

/// <summary>
/// The MT19937 Mersenne Twister with the classic 32-bit seeding and 53-bit doubles in [0, 1). With a given seed it yields
/// the same stream as NumPy's legacy <c>np.random.seed(seed)</c> / <c>np.random.uniform</c>, which is how the ONNX
/// backend tests produce training-mode Dropout masks; a seeded reference Dropout therefore reproduces them exactly.
/// </summary>
internal sealed class Mt19937
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index;

    public Mt19937(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++)
        {
            _mt[i] = unchecked(1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i);
        }
        _index = N;
    }

    public uint NextUInt32()
    {
        if (_index >= N)
        {
            Twist();
        }
        uint y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>A double in [0, 1) from two draws: 27 high bits and 26 low bits.</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    private void Twist()
    {
        for (int i = 0; i < N; i++)
        {
            uint y = (_mt[i] & 0x80000000u) | (_mt[(i + 1) % N] & 0x7FFFFFFFu);
            uint v = _mt[(i + M) % N] ^ (y >> 1);
            if ((y & 1) != 0)
            {
                v ^= 0x9908B0DFu;
            }
            _mt[i] = v;
        }
        _index = 0;
    }
}
