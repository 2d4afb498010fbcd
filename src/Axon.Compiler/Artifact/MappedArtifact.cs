using System.IO.MemoryMappedFiles;

namespace Axon.Compiler.Artifact;

/// <summary>
/// A <c>.axon</c> file mapped into memory copy-on-write: pages come from the page cache on first touch and a write
/// through a weight tensor stays private to this process (the file never changes). Weight tensors of a loaded model
/// are views into the mapping through <see cref="AlignedBuffer.External"/>, whose buffer references this object, so
/// the mapping lives exactly as long as any tensor over it; the finalizer unmaps it after the last one is collected.
/// Axon replaces artifacts by rename (never rewrites them in place), so a mapped file's bytes do not change under it.
/// </summary>
internal sealed unsafe class MappedArtifact
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private int _released;

    private MappedArtifact(MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer, long length)
    {
        _file = file;
        _view = view;
        Pointer = pointer;
        Length = length;
    }

    public byte* Pointer { get; }
    public long Length { get; }

    public ReadOnlySpan<byte> Span => new(Pointer, (int)Length);

    /// <summary>Maps <paramref name="path"/>; null for a file too short to hold a header (the caller reports it).</summary>
    public static MappedArtifact? Open(string path, long minLength)
    {
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1, FileOptions.None);
        long length = fs.Length;
        if (length < minLength || length > int.MaxValue)
        {
            fs.Dispose();
            return null;
        }
        MemoryMappedFile? mmf = null;
        MemoryMappedViewAccessor? view = null;
        try
        {
            mmf = MemoryMappedFile.CreateFromFile(fs, null, 0, MemoryMappedFileAccess.CopyOnWrite, HandleInheritability.None, leaveOpen: false);
            view = mmf.CreateViewAccessor(0, length, MemoryMappedFileAccess.CopyOnWrite);
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            p += view.PointerOffset;
            return new MappedArtifact(mmf, view, p, length);
        }
        catch
        {
            view?.Dispose();
            if (mmf is null)
            {
                fs.Dispose();
            }
            mmf?.Dispose();
            throw;
        }
    }

    /// <summary>Unmaps now; only for a mapping no tensor refers to (a load that failed validation).</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
            GC.SuppressFinalize(this);
        }
    }

    ~MappedArtifact()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }
}
