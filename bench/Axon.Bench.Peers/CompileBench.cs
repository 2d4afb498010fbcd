using System.Diagnostics;
using System.Text.Json;
using Axon.Compiler;
using Axon.Onnx;

/// <summary>
/// <c>--compile</c>: how long compiling a model takes (ONNX bytes to a planned artifact, parse included) at one -O level,
/// cold (first compile in the process: JIT included, as the CLI sees it) and warm (best of N), and a compile-cache hit.
/// </summary>
internal static class CompileBench
{
    public static void Run(byte[] bytes, string name, int optLevel, int iterations, string? json)
    {
        var options = new CompileOptions { OptLevel = optLevel };
        string cache = Path.Combine(Path.GetTempPath(), "axon-compile-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            // CPU time of the process next to wall time: on a shared, overloaded machine the wall clock mostly measures
            // waiting for a core, while the compile itself is single-threaded.
            var cpu = new List<double>();
            // Per phase, best over the warm runs: parsing, each pass, each planned profile.
            var phases = new Dictionary<string, double>();
            void Phase(string name, double ms) => phases[name] = Math.Min(phases.GetValueOrDefault(name, double.MaxValue), ms);
            double Once(string? cacheDir, out CompileResult r)
            {
                var p = Process.GetCurrentProcess();
                var c0 = p.TotalProcessorTime;
                long t = Stopwatch.GetTimestamp();
                var model = OnnxModel.Load(bytes, null);
                Phase("parse (OnnxModel.Load)", Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                var sums = new Dictionary<string, double>();
                r = Compiler.Compile(model, options, bytes, cacheDir, pr =>
                {
                    if (pr.Duration is { } d)
                    {
                        sums[pr.Phase] = sums.GetValueOrDefault(pr.Phase) + d.TotalMilliseconds;
                    }
                });
                foreach (var kv in sums)
                {
                    Phase(kv.Key, kv.Value);
                }
                double ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                p.Refresh();
                cpu.Add((p.TotalProcessorTime - c0).TotalMilliseconds);
                return ms;
            }
            double cold = Once(null, out var first);
            phases.Clear();
            var warm = new List<double>();
            for (int i = 0; i < iterations; i++)
            {
                warm.Add(Once(null, out _));
            }
            Once(cache, out _); // fills the cache
            var hits = new List<double>();
            var hitCpu = new List<double>();
            for (int i = 0; i < iterations; i++)
            {
                var proc = Process.GetCurrentProcess();
                var c0 = proc.TotalProcessorTime;
                long t = Stopwatch.GetTimestamp();
                var r = Compiler.TryLoadCached(bytes, options, cache) ?? throw new InvalidOperationException("no cache entry");
                hits.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                proc.Refresh();
                hitCpu.Add((proc.TotalProcessorTime - c0).TotalMilliseconds);
                if (!r.CacheHit)
                {
                    throw new InvalidOperationException("the second compile was not a cache hit");
                }
            }
            // The CLI's hit: the key streamed from the ONNX file (no model bytes held), the artifact mapped.
            string onnxPath = Path.Combine(cache, "model.onnx");
            File.WriteAllBytes(onnxPath, bytes);
            var fileHits = new List<double>();
            for (int i = 0; i < iterations; i++)
            {
                long t = Stopwatch.GetTimestamp();
                var r = Compiler.TryLoadCachedFile(onnxPath, options, cache) ?? throw new InvalidOperationException("no cache entry");
                fileHits.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            // Compile() on an already parsed model that hits the cache.
            var hitOnly = new List<double>();
            var loaded = OnnxModel.Load(bytes, null);
            for (int i = 0; i < iterations; i++)
            {
                long t = Stopwatch.GetTimestamp();
                Compiler.Compile(loaded, options, bytes, cache);
                hitOnly.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            var m = first.Model.Metadata;
            Console.WriteLine($"{name}  compile -O{optLevel}  nodes {m.NodesBefore} -> {m.NodesAfter}");
            var warmCpu = cpu.Skip(1).Take(iterations).ToList();
            Console.WriteLine($"  cold (first in process, JIT included) {cold,9:F1} ms   cpu {cpu[0],9:F1} ms");
            Console.WriteLine($"  warm best of {iterations,-3}                    {warm.Min(),9:F1} ms   median {Median(warm),9:F1} ms   cpu best {warmCpu.Min(),9:F1} ms");
            Console.WriteLine($"  cache hit (key from bytes), best      {hits.Min(),9:F1} ms   median {Median(hits),9:F1} ms   cpu best {hitCpu.Min(),9:F1} ms");
            Console.WriteLine($"  cache hit (key streamed from file)    {fileHits.Min(),9:F1} ms   median {Median(fileHits),9:F1} ms");
            Console.WriteLine($"  Compile() hit on a parsed model, best {hitOnly.Min(),9:F1} ms   median {Median(hitOnly),9:F1} ms");
            foreach (var kv in phases.OrderByDescending(kv => kv.Value).Take(10))
            {
                Console.WriteLine($"    warm best {kv.Key,-26} {kv.Value,8:F1} ms");
            }
            foreach (var t in first.Timings.GroupBy(t => t.Pass).Select(g => (g.Key, Ms: g.Sum(x => x.Elapsed.TotalMilliseconds))).OrderByDescending(x => x.Ms).Take(6))
            {
                Console.WriteLine($"    cold pass {t.Key,-22} {t.Ms,8:F1} ms");
            }
            if (json is not null)
            {
                File.WriteAllText(json, JsonSerializer.Serialize(new
                {
                    model = name, opt_level = optLevel, nodes_before = m.NodesBefore, nodes_after = m.NodesAfter,
                    cold_ms = cold, cold_cpu_ms = cpu[0], warm_best_ms = warm.Min(), warm_median_ms = Median(warm), warm_cpu_best_ms = warmCpu.Min(),
                    cache_hit_cpu_best_ms = hitCpu.Min(),
                    cache_hit_best_ms = hits.Min(), cache_hit_median_ms = Median(hits), cache_hit_load_only_best_ms = hitOnly.Min(), cache_hit_from_file_best_ms = fileHits.Min(),
                }, new JsonSerializerOptions { WriteIndented = true }));
            }
        }
        finally
        {
            try
            {
                Directory.Delete(cache, true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static double Median(List<double> v)
    {
        var s = v.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
