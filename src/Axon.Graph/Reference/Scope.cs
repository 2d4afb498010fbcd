namespace Axon.Graph.Reference;

/// <summary>Values visible while running a graph; a subgraph's scope falls back to its parent's.</summary>
internal sealed class Scope
{
    private readonly Dictionary<string, IValue?> _values = new(StringComparer.Ordinal);
    private readonly Scope? _parent;

    public Scope(Scope? parent) => _parent = parent;

    public void Set(string name, IValue? v) => _values[name] = v;

    public bool TryGet(string name, out IValue? v)
    {
        for (var s = this; s is not null; s = s._parent)
        {
            if (s._values.TryGetValue(name, out v))
            {
                return true;
            }
        }
        v = null;
        return false;
    }

    public void Remove(string name) => _values.Remove(name);
}
