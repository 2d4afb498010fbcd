namespace Axon.Graph.Ops;

/// <summary>LogSoftmax: same shape and type as the input, normalized along axis.</summary>
[Schema("LogSoftmax")]
internal sealed class LogSoftmax : UnarySchema
{
    private static readonly IReadOnlyDictionary<string, AttrKind> Attrs = new Dictionary<string, AttrKind> { ["axis"] = AttrKind.Int };

    /// <summary>max, subtract, exp, sum and divide (or log): about five operations per element.</summary>
    protected override long FlopsPerElement => 5;

    public override IReadOnlyDictionary<string, AttrKind> Attributes => Attrs;
}
