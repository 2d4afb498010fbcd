using System.Runtime.InteropServices;

namespace Axon.Training.Distributed;

/// <summary>
/// Open MPI through P/Invoke on <c>libmpi.so.40</c>. Open MPI's predefined handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM)
/// are the addresses of exported globals (<c>ompi_mpi_comm_world</c>, ...), which <see cref="NativeLibrary.GetExport"/>
/// returns directly. MPI_IN_PLACE is the address 1 in Open MPI.
/// </summary>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    private static readonly IntPtr InPlace = 1;
    private static MpiCommunicator? _instance;

    private readonly delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, IntPtr, IntPtr, int> _allreduce;
    private readonly delegate* unmanaged<IntPtr, int, IntPtr, int, IntPtr, int> _bcast;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly IntPtr _world, _float, _double, _sum;
    private bool _disposed;

    private MpiCommunicator(IntPtr lib)
    {
        var init = (delegate* unmanaged<int*, byte***, int>)Export(lib, "MPI_Init");
        var rank = (delegate* unmanaged<IntPtr, int*, int>)Export(lib, "MPI_Comm_rank");
        var size = (delegate* unmanaged<IntPtr, int*, int>)Export(lib, "MPI_Comm_size");
        _allreduce = (delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, IntPtr, IntPtr, int>)Export(lib, "MPI_Allreduce");
        _bcast = (delegate* unmanaged<IntPtr, int, IntPtr, int, IntPtr, int>)Export(lib, "MPI_Bcast");
        _finalize = (delegate* unmanaged<int>)Export(lib, "MPI_Finalize");
        _world = Export(lib, "ompi_mpi_comm_world");
        _float = Export(lib, "ompi_mpi_float");
        _double = Export(lib, "ompi_mpi_double");
        _sum = Export(lib, "ompi_mpi_op_sum");
        Check(init(null, null), "MPI_Init");
        int r, s;
        Check(rank(_world, &r), "MPI_Comm_rank");
        Check(size(_world, &s), "MPI_Comm_size");
        Rank = r;
        Size = s;
    }

    public int Rank { get; }
    public int Size { get; }

    /// <summary>Loads Open MPI and calls MPI_Init (once per process; MPI cannot be initialized twice).</summary>
    public static MpiCommunicator Init()
    {
        if (_instance is { _disposed: false })
        {
            return _instance;
        }
        if (_instance is not null)
        {
            throw new AxonException("MPI was already finalized in this process and cannot be initialized again", "AXT141");
        }
        IntPtr lib;
        try
        {
            // RTLD_GLOBAL matters: Open MPI's plugins resolve symbols from libmpi when they are loaded.
            lib = DlOpenGlobal("libmpi.so.40");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new AxonException($"launched under mpirun but Open MPI (libmpi.so.40) cannot be loaded: {e.Message} (install openmpi-bin)", "AXT140", e);
        }
        return _instance = new MpiCommunicator(lib);
    }

    public void AllReduceSum(Span<float> data)
    {
        fixed (float* p = data)
        {
            Check(_allreduce(InPlace, (IntPtr)p, data.Length, _float, _sum, _world), "MPI_Allreduce");
        }
    }

    public void AllReduceSum(Span<double> data)
    {
        fixed (double* p = data)
        {
            Check(_allreduce(InPlace, (IntPtr)p, data.Length, _double, _sum, _world), "MPI_Allreduce");
        }
    }

    public void Broadcast(Span<float> data, int root = 0)
    {
        fixed (float* p = data)
        {
            Check(_bcast((IntPtr)p, data.Length, _float, root, _world), "MPI_Bcast");
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _finalize();
        }
    }

    private static IntPtr Export(IntPtr lib, string name)
    {
        try
        {
            return NativeLibrary.GetExport(lib, name);
        }
        catch (EntryPointNotFoundException e)
        {
            throw new AxonException($"Open MPI library lacks '{name}' (is libmpi.so.40 Open MPI?)", "AXT140", e);
        }
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw new AxonException($"{what} failed with MPI error code {rc}", "AXT142");
        }
    }

    [DllImport("libdl.so.2", EntryPoint = "dlopen")]
    private static extern IntPtr DlOpen(string file, int mode);

    [DllImport("libdl.so.2", EntryPoint = "dlerror")]
    private static extern IntPtr DlError();

    private static IntPtr DlOpenGlobal(string name)
    {
        const int RTLD_NOW = 2, RTLD_GLOBAL = 0x100;
        IntPtr h = DlOpen(name, RTLD_NOW | RTLD_GLOBAL);
        if (h == IntPtr.Zero)
        {
            string err = Marshal.PtrToStringAnsi(DlError()) ?? "unknown";
            throw new DllNotFoundException(err);
        }
        return h;
    }
}
