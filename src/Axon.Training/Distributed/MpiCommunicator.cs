using System.Runtime.InteropServices;

namespace Axon.Training.Distributed;

/// <summary>
/// Open MPI through P/Invoke on <c>libmpi.so.40</c>. Open MPI's predefined handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM)
/// are the addresses of exported globals (<c>ompi_mpi_comm_world</c>, ...), which <see cref="NativeLibrary.GetExport"/>
/// returns directly. MPI_IN_PLACE is the address 1 in Open MPI.
/// Every collective is started non-blocking (MPI_Iallreduce, MPI_Ibcast) and polled with MPI_Test against a deadline
/// (<see cref="Timeout"/>; <c>AXON_MPI_TIMEOUT</c> seconds, default 300): a peer that died, hangs or was stopped makes the
/// survivors fail with <c>AXT143</c> naming the operation and the wait instead of blocking forever. After a timeout
/// MPI is not finalized (MPI_Finalize would wait for the missing peer too); the process exits and mpirun reports it.
/// </summary>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    private static readonly IntPtr InPlace = 1;
    private static MpiCommunicator? _instance;

    private readonly delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, IntPtr, IntPtr, IntPtr*, int> _iallreduce;
    private readonly delegate* unmanaged<IntPtr, int, IntPtr, int, IntPtr, IntPtr*, int> _ibcast;
    private readonly delegate* unmanaged<IntPtr*, int*, IntPtr, int> _test;
    private bool _broken;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly IntPtr _world, _float, _double, _sum;
    private bool _disposed;

    private MpiCommunicator(IntPtr lib)
    {
        var init = (delegate* unmanaged<int*, byte***, int>)Export(lib, "MPI_Init");
        var rank = (delegate* unmanaged<IntPtr, int*, int>)Export(lib, "MPI_Comm_rank");
        var size = (delegate* unmanaged<IntPtr, int*, int>)Export(lib, "MPI_Comm_size");
        _iallreduce = (delegate* unmanaged<IntPtr, IntPtr, int, IntPtr, IntPtr, IntPtr, IntPtr*, int>)Export(lib, "MPI_Iallreduce");
        _ibcast = (delegate* unmanaged<IntPtr, int, IntPtr, int, IntPtr, IntPtr*, int>)Export(lib, "MPI_Ibcast");
        _test = (delegate* unmanaged<IntPtr*, int*, IntPtr, int>)Export(lib, "MPI_Test");
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

    /// <summary>How long one collective may wait for the other ranks before the run fails with AXT143.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout();

    internal static TimeSpan DefaultTimeout() =>
        double.TryParse(Environment.GetEnvironmentVariable("AXON_MPI_TIMEOUT"), System.Globalization.NumberStyles.Float,
            System.Globalization.CultureInfo.InvariantCulture, out double s) && s > 0 ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(300);

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
            IntPtr request;
            Start(_iallreduce(InPlace, (IntPtr)p, data.Length, _float, _sum, _world, &request), "MPI_Iallreduce");
            Wait(&request, $"MPI_Iallreduce of {data.Length} floats");
        }
    }

    public void AllReduceSum(Span<double> data)
    {
        fixed (double* p = data)
        {
            IntPtr request;
            Start(_iallreduce(InPlace, (IntPtr)p, data.Length, _double, _sum, _world, &request), "MPI_Iallreduce");
            Wait(&request, $"MPI_Iallreduce of {data.Length} doubles");
        }
    }

    public void Broadcast(Span<float> data, int root = 0)
    {
        fixed (float* p = data)
        {
            IntPtr request;
            Start(_ibcast((IntPtr)p, data.Length, _float, root, _world, &request), "MPI_Ibcast");
            Wait(&request, $"MPI_Ibcast of {data.Length} floats from rank {root}");
        }
    }

    private void Start(int rc, string what)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_broken)
        {
            throw new AxonException($"{what}: an earlier collective timed out; this MPI job cannot continue", "AXT143");
        }
        Check(rc, what);
    }

    private void Wait(IntPtr* request, string what)
    {
        var deadline = new CollectiveDeadline(Timeout);
        while (true)
        {
            int done;
            Check(_test(request, &done, IntPtr.Zero), "MPI_Test");
            if (done != 0)
            {
                return;
            }
            if (!deadline.Pause())
            {
                _broken = true;
                throw new AxonException($"{what} on rank {Rank} of {Size} got no answer within {Timeout.TotalSeconds:F0} s: a peer process died, hangs or was stopped " +
                    "(raise AXON_MPI_TIMEOUT if a rank legitimately needs longer, e.g. a slow checkpoint)", "AXT143");
            }
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            if (!_broken)
            {
                _finalize();
            }
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
