using System.Text.RegularExpressions;

namespace Axon.Graph.Reference.Ops;

/// <summary>True where a string matches the whole pattern. .NET regex stands in for RE2, after rewriting the RE2 constructs it reads differently.</summary>
[Op("RegexFullMatch")]
internal sealed class RegexFullMatch : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var x = ctx.Input(0);
        if (x.DType != DType.String)
        {
            throw ctx.Error($"input must be strings, got {x}");
        }
        Regex re;
        try
        {
            re = new Regex(@"\A(?:" + Re2Syntax.ToDotNet(ctx.String("pattern", "")) + @")\z", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(10));
        }
        catch (ArgumentException e)
        {
            throw ctx.Error($"invalid pattern: {e.Message}");
        }
        var src = x.Strings;
        var r = new bool[x.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = re.IsMatch(src[i]);
        }
        return [Tensor.FromArray<bool>(r, x.Shape)];
    }
}
