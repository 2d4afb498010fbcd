using System.Reflection;

namespace Axon.Training;

/// <summary>The backward rule of one operator: reads the node's output gradients and adds its input gradients.</summary>
internal interface IGradRule
{
    void Backward(GradContext ctx);
}

/// <summary>Marks a gradient rule for an op; rules are found by reflection, several ops per rule allowed.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
internal sealed class GradForAttribute(string opType) : System.Attribute
{
    public string OpType { get; } = opType;
    public string Domain { get; init; } = "";
}

/// <summary>All gradient rules, discovered once.</summary>
internal static class GradRules
{
    private static readonly Lazy<Dictionary<(string, string), IGradRule>> Rules = new(() =>
    {
        var d = new Dictionary<(string, string), IGradRule>();
        foreach (var t in typeof(GradRules).Assembly.GetTypes())
        {
            foreach (var a in t.GetCustomAttributes<GradForAttribute>())
            {
                d[(a.Domain, a.OpType)] = (IGradRule)Activator.CreateInstance(t)!;
            }
        }
        return d;
    });

    public static IGradRule? Find(string domain, string op) => Rules.Value.GetValueOrDefault((domain, op));

    /// <summary>Ops with a gradient rule (for docs and error messages).</summary>
    public static IEnumerable<string> Ops => Rules.Value.Keys.Select(k => k.Item1.Length > 0 ? k.Item1 + ":" + k.Item2 : k.Item2).Order();
}
