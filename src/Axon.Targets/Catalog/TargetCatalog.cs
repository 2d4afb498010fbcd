using System.Text.Json;
using System.Text.Json.Serialization;

namespace Axon.Targets;

/// <summary>
/// The device, instance, purchase-model and benchmark catalog. The built-in data ships as embedded JSON
/// (src/Axon.Targets/Catalog/*.json, every entry with a public source and date); a user file with the same layout
/// replaces entries by id or name and adds new ones.
/// </summary>
public sealed class TargetCatalog
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    private static readonly string[] Files = ["devices.json", "instances.json", "pricing.json", "benchmarks.json"];

    public IReadOnlyList<DeviceSpec> Devices { get; private set; } = [];
    public IReadOnlyList<InstanceSpec> Instances { get; private set; } = [];
    public IReadOnlyList<PurchaseModel> PurchaseModels { get; private set; } = [];
    public IReadOnlyList<BenchmarkRow> Benchmarks { get; private set; } = [];

    /// <summary>The environment variable naming a user catalog file.</summary>
    public const string EnvironmentVariable = "AXON_CATALOG";

    /// <summary>Built-in catalog, then <paramref name="userFile"/> (or $AXON_CATALOG when null) over it.</summary>
    public static TargetCatalog Load(string? userFile = null)
    {
        var c = new TargetCatalog();
        foreach (var f in Files)
        {
            using var s = typeof(TargetCatalog).Assembly.GetManifestResourceStream("Axon.Targets.Catalog." + f)
                ?? throw new AxonException($"built-in catalog file '{f}' is missing from the assembly", "AXT001");
            c.Merge(Parse(s, "built-in " + f));
        }
        userFile ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(userFile))
        {
            Stream s;
            try
            {
                s = File.OpenRead(userFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new AxonInputException($"cannot read catalog file '{userFile}': {e.Message}", "AXT001", e);
            }
            using (s)
            {
                c.Merge(Parse(s, userFile));
            }
        }
        return c;
    }

    /// <summary>Every entry that lacks a source or a date, or refers to something missing (empty when the catalog is sound).</summary>
    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        void Need(string what, string source, string date)
        {
            if (string.IsNullOrWhiteSpace(source))
            {
                p.Add($"{what}: no source");
            }
            if (string.IsNullOrWhiteSpace(date))
            {
                p.Add($"{what}: no date");
            }
        }
        foreach (var d in Devices)
        {
            Need($"device '{d.Id}'", d.Source, d.Date);
            Need($"device '{d.Id}' calibration", d.Calibration.Source, d.Calibration.Date);
        }
        foreach (var i in Instances)
        {
            Need($"instance '{i.Name}'", i.Source, i.Date);
            if (Devices.All(d => d.Id != i.Device))
            {
                p.Add($"instance '{i.Name}': unknown device '{i.Device}'");
            }
        }
        foreach (var m in PurchaseModels)
        {
            Need($"purchase model '{m.Id}'", m.Source, m.Date);
        }
        foreach (var b in Benchmarks)
        {
            Need($"benchmark '{b.Id}'", b.Source, b.Date);
            if (Instances.All(i => i.Name != b.Instance))
            {
                p.Add($"benchmark '{b.Id}': unknown instance '{b.Instance}'");
            }
        }
        return p;
    }

    public InstanceSpec Instance(string name) =>
        Instances.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new AxonInputException($"unknown instance type '{name}' (known: {string.Join(", ", Instances.Select(i => i.Name))})", "AXT003");

    public DeviceSpec Device(string id) =>
        Devices.FirstOrDefault(d => string.Equals(d.Id, id, StringComparison.OrdinalIgnoreCase))
        ?? throw new AxonInputException($"unknown device '{id}' (known: {string.Join(", ", Devices.Select(d => d.Id))})", "AXT004");

    public DeviceSpec DeviceOf(InstanceSpec i) => Device(i.Device);

    /// <summary>A --target name (inf1, inf2, trn1, trn2, t4, a10g, l4, a100, h100, cpu) or a device id.</summary>
    public DeviceSpec Target(string target) => Device(target.ToLowerInvariant() switch
    {
        "inf1" => "neuroncore-v1",
        "inf2" or "trn1" or "trn1n" => "neuroncore-v2",
        "trn2" => "neuroncore-v3",
        var t => t,
    });

    /// <summary>The smallest instance of a --target name, used when a single-core projection needs a price.</summary>
    public InstanceSpec DefaultInstance(string target) => target.ToLowerInvariant() switch
    {
        "inf1" => Instance("inf1.xlarge"),
        "inf2" => Instance("inf2.xlarge"),
        "trn1" or "trn1n" => Instance("trn1.2xlarge"),
        "trn2" => Instance("trn2.48xlarge"),
        "t4" => Instance("g4dn.xlarge"),
        "a10g" => Instance("g5.xlarge"),
        "l4" => Instance("g6.xlarge"),
        "a100" => Instance("p4d.24xlarge"),
        "h100" => Instance("p5.48xlarge"),
        _ => Instances.FirstOrDefault(i => i.Device == Target(target).Id)
            ?? throw new AxonInputException($"no instance in the catalog carries target '{target}'", "AXT004"),
    };

    public PurchaseModel Purchase(string id) =>
        PurchaseModels.FirstOrDefault(m => m.Id == id)
        ?? throw new AxonInputException($"unknown pricing '{id}' (known: {string.Join(", ", PurchaseModels.Select(m => m.Id))})", "AXT006");

    private sealed record CatalogFile
    {
        public List<DeviceSpec>? Devices { get; init; }
        public List<InstanceSpec>? Instances { get; init; }
        public List<PurchaseModel>? PurchaseModels { get; init; }
        public List<BenchmarkRow>? Rows { get; init; }
    }

    private static CatalogFile Parse(Stream s, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<CatalogFile>(s, Json) ?? new CatalogFile();
        }
        catch (JsonException e)
        {
            throw new AxonInputException($"catalog '{what}' is not valid: {e.Message}", "AXT002", e);
        }
    }

    private void Merge(CatalogFile f)
    {
        Devices = MergeBy(Devices, f.Devices, d => d.Id);
        Instances = MergeBy(Instances, f.Instances, i => i.Name);
        PurchaseModels = MergeBy(PurchaseModels, f.PurchaseModels, m => m.Id);
        Benchmarks = MergeBy(Benchmarks, f.Rows, b => b.Id);
    }

    private static List<T> MergeBy<T>(IReadOnlyList<T> existing, List<T>? add, Func<T, string> key)
    {
        var list = existing.ToList();
        foreach (var a in add ?? [])
        {
            int at = list.FindIndex(e => string.Equals(key(e), key(a), StringComparison.OrdinalIgnoreCase));
            if (at >= 0)
            {
                list[at] = a;
            }
            else
            {
                list.Add(a);
            }
        }
        return list;
    }
}
