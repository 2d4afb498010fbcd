using Axon.Graph;

namespace Axon.Runtime;

/// <summary>
/// The models resident in a runtime, by name and version. Loading a name that exists adds a version; <see cref="TryGet"/>
/// without a version returns the newest. Unload drains the model (every queued request completes or fails clearly).
/// </summary>
public sealed class ModelRegistry
{
    private readonly AxonRuntime _runtime;
    private readonly object _gate = new();
    private readonly Dictionary<string, SortedDictionary<int, ModelHandle>> _models = new(StringComparer.Ordinal);

    internal ModelRegistry(AxonRuntime runtime) => _runtime = runtime;

    /// <summary>Loads a model file (.onnx or .axon) and registers it.</summary>
    public ModelHandle Load(string path, ModelOptions? options = null) => _runtime.Load(path, options);

    /// <summary>Loads an in-memory model and registers it.</summary>
    public ModelHandle Load(Model model, ModelOptions? options = null) => _runtime.Load(model, options);

    /// <summary>Every resident model, by name then version.</summary>
    public IEnumerable<ModelHandle> All
    {
        get
        {
            lock (_gate)
            {
                return _models.OrderBy(kv => kv.Key, StringComparer.Ordinal).SelectMany(kv => kv.Value.Values).ToList();
            }
        }
    }

    /// <summary>Finds a model; <paramref name="version"/> null means the newest version.</summary>
    public bool TryGet(string name, int? version, out ModelHandle handle)
    {
        lock (_gate)
        {
            handle = null!;
            if (!_models.TryGetValue(name, out var versions) || versions.Count == 0)
            {
                return false;
            }
            if (version is null)
            {
                handle = versions.Values.Last();
                return true;
            }
            if (versions.TryGetValue(version.Value, out var h))
            {
                handle = h;
                return true;
            }
            return false;
        }
    }

    /// <summary>Unloads one version (or every version when null); drains each. False if nothing matched.</summary>
    public bool Unload(string name, int? version = null)
    {
        List<ModelHandle> removed;
        lock (_gate)
        {
            if (!_models.TryGetValue(name, out var versions))
            {
                return false;
            }
            removed = version is null ? [.. versions.Values] : versions.TryGetValue(version.Value, out var h) ? [h] : [];
            foreach (var h2 in removed)
            {
                versions.Remove(h2.Version);
            }
            if (versions.Count == 0)
            {
                _models.Remove(name);
            }
        }
        foreach (var h in removed)
        {
            h.Dispose();
        }
        return removed.Count > 0;
    }

    /// <summary>
    /// Loads a new version of <paramref name="name"/> from <paramref name="path"/> (the next version number unless the
    /// options give one), makes it the one <see cref="TryGet"/> returns, then drains and unloads the old versions: requests
    /// already accepted finish on the old version.
    /// </summary>
    public ModelHandle Reload(string name, string path, ModelOptions? options = null) =>
        ReloadCore(name, options, o => _runtime.LoadUnregistered(ModelLoader.FromPath(path, o)));

    /// <summary>As <see cref="Reload(string, string, ModelOptions?)"/> from an in-memory model.</summary>
    public ModelHandle Reload(string name, Model model, ModelOptions? options = null) =>
        ReloadCore(name, options, o => _runtime.LoadUnregistered(ModelLoader.FromModel(model, o)));

    private ModelHandle ReloadCore(string name, ModelOptions? options, Func<ModelOptions, ModelHandle> load)
    {
        int next;
        ModelOptions? previous = null;
        lock (_gate)
        {
            next = _models.TryGetValue(name, out var v) && v.Count > 0 ? v.Keys.Max() + 1 : 1;
            previous = v?.Values.LastOrDefault()?.Options;
        }
        var baseOptions = options ?? previous ?? new ModelOptions();
        var o = Copy(baseOptions, name, options is not null && options.Version != 1 ? options.Version : next);
        var handle = load(o);
        List<ModelHandle> old;
        lock (_gate)
        {
            if (!_models.TryGetValue(name, out var versions))
            {
                _models[name] = versions = [];
            }
            old = versions.Values.Where(h => h.Version != handle.Version).ToList();
            if (versions.TryGetValue(handle.Version, out var same))
            {
                old.Add(same);
            }
            versions.Clear();
            versions[handle.Version] = handle;
        }
        foreach (var h in old)
        {
            h.Dispose();
        }
        return handle;
    }

    internal void Add(ModelHandle handle)
    {
        lock (_gate)
        {
            if (!_models.TryGetValue(handle.Name, out var versions))
            {
                _models[handle.Name] = versions = [];
            }
            if (versions.ContainsKey(handle.Version))
            {
                throw new AxonException($"model '{handle.Name}' version {handle.Version} is already loaded (unload it, reload, or pick another version)", "AXR004");
            }
            versions[handle.Version] = handle;
        }
    }

    internal bool Contains(string name, int version)
    {
        lock (_gate)
        {
            return _models.TryGetValue(name, out var v) && v.ContainsKey(version);
        }
    }

    internal void Forget(ModelHandle handle)
    {
        lock (_gate)
        {
            if (_models.TryGetValue(handle.Name, out var v) && v.TryGetValue(handle.Version, out var h) && ReferenceEquals(h, handle))
            {
                v.Remove(handle.Version);
                if (v.Count == 0)
                {
                    _models.Remove(handle.Name);
                }
            }
        }
    }

    private static ModelOptions Copy(ModelOptions o, string name, int version) => new()
    {
        Name = name,
        Version = version,
        Placement = o.Placement,
        Cores = o.Cores,
        Replicas = o.Replicas,
        BatchProfiles = o.BatchProfiles,
        Buckets = o.Buckets,
        Batching = o.Batching,
        MemoryLimitBytes = o.MemoryLimitBytes,
        OptimizationLevel = o.OptimizationLevel,
        AutoCast = o.AutoCast,
        AutoCastType = o.AutoCastType,
        CacheDir = o.CacheDir,
    };
}
