using System.CommandLine;
using System.Text.Json;
using Axon.Onnx.Conformance;

namespace Axon.Cli.Commands;

/// <summary><c>axon conformance DIR [--suite S] [--filter REGEX] [--json FILE]</c>: runs ONNX backend test data.</summary>
internal static class ConformanceCommand
{
    public static Command Create(CliIO io)
    {
        var dir = new Argument<string>("dir") { Description = "ONNX backend test data: a folder of suites (node, simple, ...), one suite, or one test" };
        var suite = new Option<string?>("--suite") { Description = "run only this suite (node, simple, pytorch-converted, pytorch-operator)" };
        var filter = new Option<string?>("--filter") { Description = "regular expression over test names" };
        var json = new Option<string?>("--json") { Description = "write a JSON report to this file" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "print every test, not only failures" };
        var cmd = new Command("conformance", "Run the ONNX backend conformance tests with the reference executor") { dir, suite, filter, json, verbose };
        cmd.SetAction(p => Run(io, p.GetValue(dir)!, p.GetValue(suite), p.GetValue(filter), p.GetValue(json), p.GetValue(verbose)));
        return cmd;
    }

    private static int Run(CliIO io, string dir, string? suite, string? filter, string? jsonPath, bool verbose)
    {
        if (filter is not null)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(filter);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--filter is not a valid regular expression: {e.Message}");
            }
        }
        var tests = ConformanceRunner.Discover(dir, suite, filter);
        var results = new List<ConformanceResult>(tests.Count);
        foreach (var (s, d) in tests)
        {
            var r = ConformanceRunner.RunOne(s, d);
            results.Add(r);
            if (verbose || r.Status == TestStatus.Failed)
            {
                io.Out.WriteLine($"{StatusWord(r.Status),-7} {r.Suite}/{r.Name}{(r.Reason.Length > 0 ? ": " + r.Reason : "")}");
            }
        }
        io.Out.WriteLine();
        foreach (var g in results.GroupBy(r => r.Suite).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            int p = g.Count(r => r.Status == TestStatus.Passed);
            int f = g.Count(r => r.Status == TestStatus.Failed);
            int k = g.Count(r => r.Status == TestStatus.Skipped);
            double pct = g.Count() == 0 ? 0 : 100.0 * p / g.Count();
            io.Out.WriteLine($"{g.Key,-18} {p,5} passed {f,5} failed {k,5} skipped  ({pct:0.0}% pass)");
        }
        int passed = results.Count(r => r.Status == TestStatus.Passed);
        int failed = results.Count(r => r.Status == TestStatus.Failed);
        int skipped = results.Count(r => r.Status == TestStatus.Skipped);
        if (jsonPath is not null)
        {
            var doc = new
            {
                tests = results.Select(r => new { suite = r.Suite, name = r.Name, status = StatusWord(r.Status), reason = r.Reason, ms = Math.Round(r.Milliseconds, 2) }),
                summary = new { passed, failed, skipped },
            };
            File.WriteAllText(jsonPath, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
        }
        io.Out.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
        return 0;
    }

    private static string StatusWord(TestStatus s) => s switch
    {
        TestStatus.Passed => "passed",
        TestStatus.Failed => "failed",
        _ => "skipped",
    };
}
