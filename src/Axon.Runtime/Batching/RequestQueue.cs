namespace Axon.Runtime;

/// <summary>The waiting requests in two FIFO lists, high priority first. Not thread-safe: the batcher's lock guards it.</summary>
internal sealed class RequestQueue
{
    private readonly LinkedList<PendingRequest> _high = new();
    private readonly LinkedList<PendingRequest> _normal = new();

    public int Count => _high.Count + _normal.Count;

    /// <summary>The request served next: the oldest high-priority one, else the oldest normal one.</summary>
    public PendingRequest? First => _high.First?.Value ?? _normal.First?.Value;

    public void Add(PendingRequest r) => r.Node = (r.Priority == Priority.High ? _high : _normal).AddLast(r);

    public bool Remove(PendingRequest r)
    {
        if (r.Node is not { List: { } list } node)
        {
            return false;
        }
        list.Remove(node);
        r.Node = null;
        return true;
    }

    /// <summary>Waiting requests in service order.</summary>
    public IEnumerable<PendingRequest> InOrder()
    {
        for (var n = _high.First; n is not null; n = n.Next)
        {
            yield return n.Value;
        }
        for (var n = _normal.First; n is not null; n = n.Next)
        {
            yield return n.Value;
        }
    }
}
