namespace Axon;

/// <summary>One dimension of a (possibly symbolic) shape: a known size, a named symbol (<c>batch</c>), or unknown.</summary>
public readonly struct Dim : IEquatable<Dim>
{
    private Dim(long value, string? symbol)
    {
        Value = value;
        Symbol = symbol;
    }

    /// <summary>The size when known, otherwise -1.</summary>
    public long Value { get; }

    /// <summary>The symbol name when this dimension is symbolic.</summary>
    public string? Symbol { get; }

    public bool IsKnown => Value >= 0;
    public bool IsSymbolic => Symbol is not null;

    public static Dim Known(long value)
    {
        if (value < 0)
        {
            throw new AxonModelException($"dimension {value} is negative");
        }
        return new Dim(value, null);
    }

    public static Dim Sym(string symbol) => new(-1, symbol);
    public static readonly Dim Unknown = new(-1, null);

    public static implicit operator Dim(long v) => Known(v);
    public static implicit operator Dim(int v) => Known(v);

    public bool Equals(Dim other) => Value == other.Value && Symbol == other.Symbol;
    public override bool Equals(object? obj) => obj is Dim d && Equals(d);
    public override int GetHashCode() => HashCode.Combine(Value, Symbol);
    public static bool operator ==(Dim a, Dim b) => a.Equals(b);
    public static bool operator !=(Dim a, Dim b) => !a.Equals(b);
    public override string ToString() => IsKnown ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : Symbol ?? "?";
}

/// <summary>A shape of symbolic or known dims; <see cref="SymShape.UnknownRank"/> when even the rank is not known.</summary>
public sealed class SymShape : IEquatable<SymShape>
{
    private readonly Dim[]? _dims;

    public SymShape(IEnumerable<Dim> dims) => _dims = dims.ToArray();

    private SymShape() => _dims = null;

    public static readonly SymShape UnknownRank = new();
    public static readonly SymShape Scalar = new(Array.Empty<Dim>());

    public static SymShape Of(params long[] dims) => new(dims.Select(Dim.Known));
    public static SymShape Of(ReadOnlySpan<int> dims)
    {
        var d = new Dim[dims.Length];
        for (int i = 0; i < dims.Length; i++)
        {
            d[i] = Dim.Known(dims[i]);
        }
        return new SymShape(d);
    }

    public bool HasRank => _dims is not null;
    public int Rank => _dims?.Length ?? throw new AxonModelException("shape has unknown rank");
    public IReadOnlyList<Dim> Dims => _dims ?? throw new AxonModelException("shape has unknown rank");
    public Dim this[int i] => Dims[i];

    /// <summary>True when the rank and every dim are known numbers.</summary>
    public bool IsStatic => _dims is not null && _dims.All(d => d.IsKnown);

    /// <summary>The dims as ints; throws when any is not known or too large.</summary>
    public int[] ToInts()
    {
        if (_dims is null)
        {
            throw new AxonModelException("shape has unknown rank");
        }
        var r = new int[_dims.Length];
        for (int i = 0; i < r.Length; i++)
        {
            if (!_dims[i].IsKnown)
            {
                throw new AxonModelException($"dimension {i} ('{_dims[i]}') is not known");
            }
            if (_dims[i].Value > int.MaxValue)
            {
                throw new AxonModelException($"dimension {i} ({_dims[i].Value}) exceeds the supported size");
            }
            r[i] = (int)_dims[i].Value;
        }
        return r;
    }

    /// <summary>Number of elements when static, else null.</summary>
    public long? ElementCount
    {
        get
        {
            if (!IsStatic)
            {
                return null;
            }
            long n = 1;
            foreach (Dim d in _dims!)
            {
                n = checked(n * d.Value);
            }
            return n;
        }
    }

    public bool Equals(SymShape? other)
    {
        if (other is null)
        {
            return false;
        }
        if (_dims is null || other._dims is null)
        {
            return _dims is null && other._dims is null;
        }
        return _dims.AsSpan().SequenceEqual(other._dims);
    }

    public override bool Equals(object? obj) => obj is SymShape s && Equals(s);

    public override int GetHashCode()
    {
        if (_dims is null)
        {
            return -1;
        }
        var h = new HashCode();
        foreach (Dim d in _dims)
        {
            h.Add(d);
        }
        return h.ToHashCode();
    }

    public override string ToString() => _dims is null ? "[*]" : "[" + string.Join(",", _dims.Select(d => d.ToString())) + "]";
}
