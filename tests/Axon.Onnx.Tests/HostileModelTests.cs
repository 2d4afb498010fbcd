using System.Diagnostics;
using Axon.Graph;
using Axon.Graph.Reference;
using Xunit.Abstractions;

namespace Axon.Onnx.Tests;

/// <summary>
/// Mutation test: seeded corruptions of the backend-suite models must load or fail with an <see cref="AxonModelException"/>
/// (never another exception, a hang or a runaway allocation); models that still load must run on zero inputs or fail
/// with an <see cref="AxonException"/>.
/// </summary>
public class HostileModelTests
{
    private const int Seed = 20261126;
    private const int MaxInputElements = 1 << 14;
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(1);
    private readonly ITestOutputHelper _out;

    public HostileModelTests(ITestOutputHelper output) => _out = output;

    [Fact]
    public async Task MutatedModelsLoadOrFailCleanly()
    {
        var models = TestData.Models("simple", "node", "pytorch-converted", "pytorch-operator");
        if (models.Count == 0)
        {
            return;
        }
        var rng = new Random(Seed);
        var failures = new List<string>();
        int mutations = 0, loaded = 0, ran = 0, runFailed = 0, unsupported = 0, skipped = 0, timeouts = 0;
        var sw = Stopwatch.StartNew();
        // Every model once, with the kinds in rotation, plus a second pass of byte-level kinds on a sample.
        var plan = new List<(string Path, string Kind)>();
        for (int i = 0; i < models.Count; i++)
        {
            plan.Add((models[i], ProtoMutator.Kinds[i % ProtoMutator.Kinds.Length]));
        }
        for (int i = 0; i < 300; i++)
        {
            plan.Add((models[rng.Next(models.Count)], ProtoMutator.Kinds[i % 3]));
        }
        foreach (var (path, kind) in plan)
        {
            string test = Path.GetFileName(Path.GetDirectoryName(path))!;
            var (bytes, what) = ProtoMutator.Mutate(File.ReadAllBytes(path), kind, rng);
            mutations++;
            Model model;
            try
            {
                long allocated = 0;
                var task = Task.Run(() =>
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    try
                    {
                        return OnnxModel.Load(bytes, Path.GetDirectoryName(path));
                    }
                    finally
                    {
                        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    }
                });
                try
                {
                    model = await task.WaitAsync(LoadTimeout);
                    loaded++;
                }
                finally
                {
                    // Loading may expand data (typed fields widen, sparse tensors densify) but never without bound.
                    long budget = (16L << 20) + 64L * bytes.Length;
                    if (task.IsCompleted && allocated > budget)
                    {
                        failures.Add($"{test} [{what}]: load allocated {allocated} bytes for a {bytes.Length}-byte model");
                    }
                }
            }
            catch (TimeoutException)
            {
                failures.Add($"{test} [{what}]: load did not finish in {LoadTimeout.TotalSeconds} s");
                continue;
            }
            catch (AxonModelException)
            {
                continue;
            }
            catch (Exception e)
            {
                failures.Add($"{test} [{what}]: load threw {Describe(e)}");
                continue;
            }
            var feeds = ZeroInputs(model);
            if (feeds is null)
            {
                skipped++;
                continue;
            }
            try
            {
                await Task.Run(() => new ReferenceExecutor(model).Run(feeds)).WaitAsync(RunTimeout);
                ran++;
            }
            catch (TimeoutException)
            {
                // The reference executor may be slow on a corrupted model; it only must not crash.
                timeouts++;
            }
            catch (AxonUnsupportedException)
            {
                unsupported++;
            }
            catch (AxonException)
            {
                runFailed++;
            }
            catch (Exception e)
            {
                failures.Add($"{test} [{what}]: run threw {Describe(e)}");
            }
        }
        _out.WriteLine($"{mutations} mutations in {sw.Elapsed.TotalSeconds:0.0} s: {loaded} loaded; of those {ran} ran, " +
            $"{runFailed} failed with AxonException, {unsupported} unsupported, {skipped} skipped (inputs), {timeouts} timed out");
        Assert.True(mutations >= 1000, $"only {mutations} mutations");
        Assert.True(failures.Count == 0, $"{failures.Count} bad outcomes:\n" + string.Join("\n", failures.Take(25)));
    }

    private static string Describe(Exception e) =>
        $"{e.GetType().Name}: {e.Message} @ {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}";

    /// <summary>Zero-filled inputs of the declared shapes (unknown dims as 1); null when they would be too large or unbuildable.</summary>
    internal static Dictionary<string, IValue?>? ZeroInputs(Model model)
    {
        var feeds = new Dictionary<string, IValue?>(StringComparer.Ordinal);
        foreach (var vi in model.Graph.RuntimeInputs)
        {
            var t = vi.Type;
            switch (t.Kind)
            {
                case TypeKind.Tensor:
                    {
                        var x = ZeroTensor(t);
                        if (x is null)
                        {
                            return null;
                        }
                        feeds[vi.Name] = x;
                        break;
                    }
                case TypeKind.Sequence when t.Element is { Kind: TypeKind.Tensor } e && Creatable(e.ElemType):
                    feeds[vi.Name] = new TensorSequence(e.ElemType, []);
                    break;
                case TypeKind.Optional:
                    feeds[vi.Name] = new OptionalValue(null);
                    break;
                default:
                    return null;
            }
        }
        return feeds;
    }

    private static bool Creatable(DType t) => Enum.IsDefined(t) && t is not (DType.Undefined or DType.Complex64 or DType.Complex128);

    private static Tensor? ZeroTensor(TypeInfo t)
    {
        if (!Creatable(t.ElemType))
        {
            return null;
        }
        var shape = t.Shape.HasRank ? t.Shape.Dims.Select(d => d.IsKnown ? d.Value : 1).ToArray() : [1];
        long n = 1;
        foreach (long d in shape)
        {
            n *= d;
            if (d > MaxInputElements || n > MaxInputElements || shape.Length > 8)
            {
                return null;
            }
        }
        return Tensor.Create(t.ElemType, shape.Select(d => (int)d).ToArray());
    }
}
