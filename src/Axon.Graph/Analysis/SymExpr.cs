using System.Globalization;
using System.Text;

namespace Axon.Graph.Analysis;

/// <summary>
/// A polynomial over dimension symbols with integer coefficients (<c>2*batch*seq*147456 + 384</c>), used for shapes'
/// element counts and for FLOP/byte costs that depend on dynamic dims. <see cref="Unknown"/> absorbs everything: a cost
/// that depends on a dim with no name cannot be stated, and saying so beats a wrong number.
/// </summary>
public sealed class SymExpr : IEquatable<SymExpr>
{
    // Monomial key: the sorted symbol names joined by '*' ("" is the constant term).
    private readonly SortedDictionary<string, long>? _terms;

    private SymExpr(SortedDictionary<string, long>? terms) => _terms = terms;

    public static readonly SymExpr Unknown = new(null);
    public static readonly SymExpr Zero = Const(0);
    public static readonly SymExpr One = Const(1);

    public static SymExpr Const(long v)
    {
        var t = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (v != 0)
        {
            t[""] = v;
        }
        return new SymExpr(t);
    }

    public static SymExpr Sym(string name) => new(new SortedDictionary<string, long>(StringComparer.Ordinal) { [name] = 1 });

    /// <summary>A dim as an expression: its value, its symbol, or unknown.</summary>
    public static SymExpr Of(Dim d) => d.IsKnown ? Const(d.Value) : d.Symbol is { } s ? ParseMonomial(s) : Unknown;

    // A symbol may itself name a product ("12*batch", made by ToDim for Flatten/Reshape), so it is read back as one.
    private static SymExpr ParseMonomial(string s)
    {
        if (!s.Contains('*'))
        {
            return Sym(s);
        }
        var r = One;
        foreach (var part in s.Split('*'))
        {
            r *= long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out long k) ? Const(k) : Sym(part);
        }
        return r;
    }

    /// <summary>
    /// The expression as one dim: a number, a symbol, or a product symbol (<c>12*batch</c>) that <see cref="Of(Dim)"/>
    /// reads back; unknown for sums, negatives and unknowns.
    /// </summary>
    public Dim ToDim()
    {
        if (_terms is null || _terms.Count > 1)
        {
            return Dim.Unknown;
        }
        if (_terms.Count == 0)
        {
            return Dim.Known(0);
        }
        var (key, c) = _terms.First();
        if (c < 0)
        {
            return Dim.Unknown;
        }
        return key.Length == 0 ? Dim.Known(c) : Dim.Sym(ToString());
    }

    /// <summary>Exact division of single-term expressions (<c>768*batch*seq / 768 = batch*seq</c>); unknown otherwise.</summary>
    public SymExpr DivideExact(SymExpr d)
    {
        if (_terms is null || d._terms is null || _terms.Count > 1 || d._terms.Count != 1)
        {
            return Unknown;
        }
        if (_terms.Count == 0)
        {
            return Zero;
        }
        var (ka, ca) = _terms.First();
        var (kb, cb) = d._terms.First();
        if (cb == 0 || ca % cb != 0)
        {
            return Unknown;
        }
        var syms = ka.Length == 0 ? new List<string>() : ka.Split('*').ToList();
        if (kb.Length > 0)
        {
            foreach (var s in kb.Split('*'))
            {
                if (!syms.Remove(s))
                {
                    return Unknown;
                }
            }
        }
        var t = new SortedDictionary<string, long>(StringComparer.Ordinal) { [string.Join('*', syms)] = ca / cb };
        return new SymExpr(t);
    }

    /// <summary>The product of a shape's dims (its element count); unknown when the rank is unknown.</summary>
    public static SymExpr Product(SymShape s)
    {
        if (!s.HasRank)
        {
            return Unknown;
        }
        var r = One;
        foreach (var d in s.Dims)
        {
            r *= Of(d);
        }
        return r;
    }

    public static SymExpr Product(IEnumerable<Dim> dims) => dims.Aggregate(One, (a, d) => a * Of(d));

    public bool IsUnknown => _terms is null;

    /// <summary>True when the value needs no binding.</summary>
    public bool IsConst => _terms is not null && _terms.Keys.All(k => k.Length == 0);

    public long? ConstValue => IsConst ? _terms!.GetValueOrDefault("") : null;

    /// <summary>Symbols that appear in the expression.</summary>
    public IEnumerable<string> Symbols => _terms is null ? [] : _terms.Keys.SelectMany(k => k.Length == 0 ? [] : k.Split('*')).Distinct();

    public static SymExpr operator +(SymExpr a, SymExpr b)
    {
        if (a._terms is null || b._terms is null)
        {
            return Unknown;
        }
        var t = new SortedDictionary<string, long>(a._terms, StringComparer.Ordinal);
        foreach (var kv in b._terms)
        {
            long v = checked(t.GetValueOrDefault(kv.Key) + kv.Value);
            if (v == 0)
            {
                t.Remove(kv.Key);
            }
            else
            {
                t[kv.Key] = v;
            }
        }
        return new SymExpr(t);
    }

    public static SymExpr operator *(SymExpr a, SymExpr b)
    {
        if (a._terms is null || b._terms is null)
        {
            return Unknown;
        }
        var t = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var x in a._terms)
        {
            foreach (var y in b._terms)
            {
                string key = MulKey(x.Key, y.Key);
                long v = checked(t.GetValueOrDefault(key) + checked(x.Value * y.Value));
                if (v == 0)
                {
                    t.Remove(key);
                }
                else
                {
                    t[key] = v;
                }
            }
        }
        return new SymExpr(t);
    }

    public static SymExpr operator *(long k, SymExpr a) => Const(k) * a;
    public static SymExpr operator *(SymExpr a, long k) => a * Const(k);
    public static SymExpr operator +(SymExpr a, long k) => a + Const(k);

    public static SymExpr Sum(IEnumerable<SymExpr> xs) => xs.Aggregate(Zero, (a, b) => a + b);

    private static string MulKey(string a, string b)
    {
        if (a.Length == 0)
        {
            return b;
        }
        if (b.Length == 0)
        {
            return a;
        }
        var parts = a.Split('*').Concat(b.Split('*')).ToArray();
        Array.Sort(parts, StringComparer.Ordinal);
        return string.Join('*', parts);
    }

    /// <summary>The value under a binding of symbols; null when the expression is unknown or a symbol is unbound.</summary>
    public double? Evaluate(IReadOnlyDictionary<string, long> binding)
    {
        if (_terms is null)
        {
            return null;
        }
        double sum = 0;
        foreach (var kv in _terms)
        {
            double v = kv.Value;
            if (kv.Key.Length > 0)
            {
                foreach (var s in kv.Key.Split('*'))
                {
                    if (!binding.TryGetValue(s, out long b))
                    {
                        return null;
                    }
                    v *= b;
                }
            }
            sum += v;
        }
        return sum;
    }

    public bool Equals(SymExpr? o)
    {
        if (o is null)
        {
            return false;
        }
        if (_terms is null || o._terms is null)
        {
            return _terms is null && o._terms is null;
        }
        return _terms.Count == o._terms.Count && _terms.All(kv => o._terms.TryGetValue(kv.Key, out long v) && v == kv.Value);
    }

    public override bool Equals(object? obj) => Equals(obj as SymExpr);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    /// <summary>Highest-degree terms first, coefficient before symbols: <c>294912*batch*seq + 384</c>.</summary>
    public override string ToString()
    {
        if (_terms is null)
        {
            return "?";
        }
        if (_terms.Count == 0)
        {
            return "0";
        }
        var sb = new StringBuilder();
        foreach (var kv in _terms.OrderByDescending(kv => kv.Key.Length == 0 ? 0 : kv.Key.Count(c => c == '*') + 1).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            long c = kv.Value;
            if (sb.Length > 0)
            {
                sb.Append(c < 0 ? " - " : " + ");
                c = Math.Abs(c);
            }
            if (kv.Key.Length == 0)
            {
                sb.Append(c.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                if (c != 1)
                {
                    sb.Append(c == -1 ? "-" : c.ToString(CultureInfo.InvariantCulture) + "*");
                }
                sb.Append(kv.Key);
            }
        }
        return sb.ToString();
    }
}
