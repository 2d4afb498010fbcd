using Axon.Serving.Protocol;

namespace Axon.Serving.Repository;

/// <summary>When models are loaded: all at start (Triton's "none" mode), or only on request ("explicit").</summary>
public enum ModelControlMode
{
    /// <summary>Load every model in the repository at start.</summary>
    All,

    /// <summary>Load nothing at start; models are loaded and unloaded through the repository API.</summary>
    Explicit,
}

/// <summary>One model version on disk, ready to be loaded.</summary>
internal sealed record ModelSource(string Name, string Version, string FilePath, ModelConfig Config);

/// <summary>One row of the repository index (Triton's <c>{"name","version","state","reason"}</c>).</summary>
internal sealed record IndexEntry(string Name, string Version, string State, string Reason);

/// <summary>
/// The model repository: <c>ROOT/&lt;name&gt;/config.yaml</c> and <c>ROOT/&lt;name&gt;/&lt;version&gt;/model.onnx|model.axon</c>.
/// Loaded versions are reference counted, so an unload never pulls a model from under a running request.
/// </summary>
internal sealed class ModelRepository : IDisposable
{
    private readonly object _gate = new();
    private readonly SemaphoreSlim _admin = new(1, 1);
    private readonly Dictionary<string, ModelState> _models = new(StringComparer.Ordinal);
    private readonly Func<ModelSource, IServedModel> _loader;
    private bool _disposed;

    public ModelRepository(string root, ModelControlMode mode = ModelControlMode.All, Func<ModelSource, IServedModel>? loader = null)
    {
        Root = RepositoryPaths.CanonicalRoot(root);
        Mode = mode;
        _loader = loader ?? LoadFromDisk;
    }

    public string Root { get; }
    public ModelControlMode Mode { get; }

    /// <summary>Loads every model on disk (control mode All); failures are recorded in the index, not thrown.</summary>
    public async Task LoadAllAsync()
    {
        foreach (var name in ModelNamesOnDisk())
        {
            try
            {
                await LoadAsync(name).ConfigureAwait(false);
            }
            catch (ServingException)
            {
                // Recorded as UNAVAILABLE with its reason; the server stays up and reports not-ready.
            }
        }
    }

    /// <summary>True when every model that was asked to load is ready.</summary>
    public bool AllReady
    {
        get
        {
            lock (_gate)
            {
                return _models.Values.All(m => m.State == "READY" || m.State == "UNAVAILABLE" && !m.Wanted);
            }
        }
    }

    public IReadOnlyList<string> ModelNamesOnDisk() =>
        Directory.EnumerateDirectories(Root)
            .Select(Path.GetFileName)
            .Where(n => RepositoryPaths.IsValidName(n) && RepositoryPaths.IsInside(Root, Path.Combine(Root, n!)))
            .Select(n => n!)
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Loads (or reloads) every version of <paramref name="name"/> found on disk.</summary>
    public async Task LoadAsync(string name)
    {
        RepositoryPaths.CheckName(name);
        await _admin.WaitAsync().ConfigureAwait(false);
        try
        {
            var dir = Path.Combine(Root, name);
            if (!Directory.Exists(dir) || !RepositoryPaths.IsInside(Root, dir))
            {
                throw ServingException.NotFound(ServingCodes.UnknownModel, $"model '{name}' is not in the repository");
            }
            SetState(name, "LOADING", "", wanted: true);
            var loaded = new SortedDictionary<long, Slot>();
            try
            {
                var config = ModelConfig.Load(Path.Combine(dir, "config.yaml"), $"{name}/config.yaml");
                foreach (var src in Sources(name, dir, config))
                {
                    loaded[long.Parse(src.Version)] = new Slot(await Task.Run(() => _loader(src)).ConfigureAwait(false));
                }
                if (loaded.Count == 0)
                {
                    throw ServingException.BadRequest(ServingCodes.ModelLoadFailed,
                        $"model '{name}' has no version folder with a model.onnx or model.axon (expected {name}/1/model.onnx)");
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                foreach (var s in loaded.Values)
                {
                    s.Retire();
                }
                string reason = e is ServingException ? e.Message : $"model '{name}' failed to load: {e.Message}";
                SetState(name, "UNAVAILABLE", reason, wanted: true, versions: new());
                throw e as ServingException ?? ServingException.BadRequest(ServingCodes.ModelLoadFailed, reason);
            }
            SetState(name, "READY", "", wanted: true, versions: loaded);
        }
        finally
        {
            _admin.Release();
        }
    }

    /// <summary>Unloads every version; requests already running finish first (the versions are freed when the last ends).</summary>
    public async Task UnloadAsync(string name)
    {
        RepositoryPaths.CheckName(name);
        await _admin.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (!_models.ContainsKey(name) && !ModelNamesOnDisk().Contains(name))
                {
                    throw ServingException.NotFound(ServingCodes.UnknownModel, $"model '{name}' is not in the repository");
                }
            }
            SetState(name, "UNAVAILABLE", "unloaded", wanted: false, versions: new());
        }
        finally
        {
            _admin.Release();
        }
    }

    /// <summary>A loaded version to run; dispose the lease when the request is done.</summary>
    public Lease Acquire(string name, string? version)
    {
        var slot = Find(name, version, out _);
        return new Lease(slot);
    }

    /// <summary>The loaded version (without holding it) and every loaded version's name, for metadata.</summary>
    public IServedModel Get(string name, string? version, out IReadOnlyList<string> versions)
    {
        var slot = Find(name, version, out versions);
        slot.Release();
        return slot.Model;
    }

    public bool IsReady(string name, string? version)
    {
        try
        {
            Find(name, version, out _).Release();
            return true;
        }
        catch (ServingException e) when (e.Status is 503 or 404)
        {
            return false;
        }
    }

    /// <summary>Every model on disk or known to the server, one row per version (or one per model when none is loaded).</summary>
    public IReadOnlyList<IndexEntry> Index(bool readyOnly)
    {
        var rows = new List<IndexEntry>();
        lock (_gate)
        {
            var names = ModelNamesOnDisk().Union(_models.Keys).Order(StringComparer.Ordinal);
            foreach (var n in names)
            {
                if (_models.TryGetValue(n, out var m) && m.Versions.Count > 0)
                {
                    rows.AddRange(m.Versions.Keys.Select(v => new IndexEntry(n, v.ToString(), m.State, m.Reason)));
                }
                else
                {
                    rows.Add(new IndexEntry(n, "", m?.State ?? "UNAVAILABLE", m?.Reason ?? "unloaded"));
                }
            }
        }
        return readyOnly ? rows.Where(r => r.State == "READY").ToList() : rows;
    }

    /// <summary>Names of models with at least one loaded version.</summary>
    public IReadOnlyList<IServedModel> Loaded()
    {
        lock (_gate)
        {
            return _models.Values.SelectMany(m => m.Versions.Values.Select(s => s.Model)).ToList();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var m in _models.Values)
            {
                foreach (var s in m.Versions.Values)
                {
                    s.Retire();
                }
                m.Versions.Clear();
            }
        }
    }

    private Slot Find(string name, string? version, out IReadOnlyList<string> versions)
    {
        RepositoryPaths.CheckName(name);
        bool anyVersion = string.IsNullOrEmpty(version);
        if (!anyVersion)
        {
            RepositoryPaths.CheckVersion(version);
        }
        lock (_gate)
        {
            if (!_models.TryGetValue(name, out var m))
            {
                throw ServingException.NotFound(ServingCodes.UnknownModel, $"unknown model '{name}'");
            }
            if (m.Versions.Count == 0 || m.State != "READY")
            {
                throw ServingException.Unavailable(ServingCodes.ModelNotReady,
                    $"model '{name}' is not ready ({m.State}{(m.Reason.Length > 0 ? ": " + m.Reason : "")})");
            }
            versions = m.Versions.Keys.Select(v => v.ToString()).ToList();
            if (anyVersion)
            {
                return Hold(m.Versions.Last().Value);
            }
            if (!m.Versions.TryGetValue(long.Parse(version!), out var slot))
            {
                throw ServingException.NotFound(ServingCodes.UnknownVersion,
                    $"model '{name}' has no loaded version {version} (loaded: {string.Join(", ", versions)})");
            }
            return Hold(slot);
        }
    }

    private static Slot Hold(Slot s)
    {
        s.AddRef();
        return s;
    }

    private void SetState(string name, string state, string reason, bool wanted, SortedDictionary<long, Slot>? versions = null)
    {
        lock (_gate)
        {
            if (!_models.TryGetValue(name, out var m))
            {
                _models[name] = m = new ModelState();
            }
            if (versions is not null)
            {
                foreach (var old in m.Versions.Values)
                {
                    old.Retire();
                }
                m.Versions = versions;
            }
            m.State = state;
            m.Reason = reason;
            m.Wanted = wanted;
        }
    }

    private IEnumerable<ModelSource> Sources(string name, string dir, ModelConfig config)
    {
        foreach (var vdir in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
        {
            string v = Path.GetFileName(vdir);
            if (!RepositoryPaths.IsValidVersion(v) || !RepositoryPaths.IsInside(Root, vdir))
            {
                continue;
            }
            foreach (var file in new[] { "model.axon", "model.onnx" })
            {
                string p = Path.Combine(vdir, file);
                if (File.Exists(p))
                {
                    if (!RepositoryPaths.IsInside(Root, p))
                    {
                        throw ServingException.BadRequest(ServingCodes.ModelLoadFailed, $"model '{name}' version {v}: {file} links outside the repository");
                    }
                    yield return new ModelSource(name, long.Parse(v).ToString(), p, config);
                    break;
                }
            }
        }
    }

    internal static IServedModel LoadFromDisk(ModelSource src) => new RuntimeModel(src);

    private sealed class ModelState
    {
        public string State = "UNAVAILABLE";
        public string Reason = "";
        public bool Wanted;
        public SortedDictionary<long, Slot> Versions = new();
    }

    /// <summary>A loaded version with a reference count; retired versions are disposed when the last lease ends.</summary>
    internal sealed class Slot(IServedModel model)
    {
        private int _refs = 1;

        public IServedModel Model { get; } = model;

        public void AddRef() => Interlocked.Increment(ref _refs);

        public void Release()
        {
            if (Interlocked.Decrement(ref _refs) == 0)
            {
                Model.Dispose();
            }
        }

        public void Retire() => Release();
    }

    /// <summary>Holds a loaded version for one request.</summary>
    internal readonly struct Lease(Slot slot) : IDisposable
    {
        public IServedModel Model => slot.Model;

        public void Dispose() => slot.Release();
    }
}
