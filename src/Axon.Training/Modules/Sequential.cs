using Axon.Graph.Builder;

namespace Axon.Training;

/// <summary>Runs its children in order; a child without a name is named by its index ("0.weight", "1.bias", ...).</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers;

    public Sequential(params Module[] layers)
    {
        _layers = layers.ToList();
        for (int i = 0; i < _layers.Count; i++)
        {
            if (_layers[i].Name.Length == 0)
            {
                _layers[i].Name = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    public IReadOnlyList<Module> Layers => _layers;

    public override IEnumerable<Module> Children => _layers;

    public override Value Forward(ForwardContext ctx, Value x)
    {
        foreach (var m in _layers)
        {
            x = ctx.Run(m, x);
        }
        return x;
    }
}
