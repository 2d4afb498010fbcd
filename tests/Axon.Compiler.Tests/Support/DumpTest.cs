namespace Axon.Compiler.Tests.Support;

public class DumpTest
{
    [Fact]
    public void Dump()
    {
        var m = MiniLM.Load()!;
        using var w = new StreamWriter("/tmp/minilm.txt");
        foreach (var kv in m.OpsetImports) w.WriteLine($"opset {kv.Key}={kv.Value}");
        foreach (var i in m.Graph.Inputs) w.WriteLine($"input {i.Name} {i.Type}");
        foreach (var i in m.Graph.Outputs) w.WriteLine($"output {i.Name} {i.Type}");
        foreach (var kv in m.Graph.Initializers) w.WriteLine($"init {kv.Key} {kv.Value}");
        foreach (var n in m.Graph.Nodes) w.WriteLine($"{string.Join(",", n.Outputs)} = {n.OpType}({string.Join(",", n.Inputs)}) {{{string.Join(",", n.Attributes.Values.Select(a => a.Name + "=" + a))}}}");
    }
}
