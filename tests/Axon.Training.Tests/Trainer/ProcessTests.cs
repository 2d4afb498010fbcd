using System.Diagnostics;
using Axon.Training.Checkpoints;

namespace Axon.Training.Tests.Trainer;

/// <summary>Runs the real <c>axon</c> CLI as child processes: SIGKILL at random moments, and mpirun on loopback.</summary>
public class ProcessTests
{
    private static string AxonDll => Path.Combine(AppContext.BaseDirectory, "axon.dll");

    private static readonly string[] Common =
        ["train", "fashion-mnist", "--model", "mlp", "--epochs", "2", "--limit", "2048", "--test-limit", "200", "--batch-size", "64", "--quiet", "--seed", "7", "--jit-warmup-s", "0"];

    private static Process Start(string fileName, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static void RunToEnd(string fileName, IEnumerable<string> args, int timeoutMs = 240_000)
    {
        var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var outp = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{fileName} {string.Join(' ', args)} did not finish in {timeoutMs / 1000} s");
        }
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {err.Result}{outp.Result}");
    }

    [Fact]
    public void SigkillAtRandomMomentsLeavesALoadableCheckpointAndResumeIsBitExact()
    {
        string reference = Directory.CreateTempSubdirectory("axon-kill-ref-").FullName;
        RunToEnd("dotnet", [AxonDll, .. Common, "--checkpoint-dir", reference, "--checkpoint-every", "3"]);
        var expected = CheckpointStore.LoadNewestValid(reference)!;
        Assert.Equal(64, expected.Step);

        string dir = Directory.CreateTempSubdirectory("axon-kill-").FullName;
        var rng = new Random(20261126);
        int kills = 0;
        for (int attempt = 0; attempt < 4; attempt++)
        {
            using var p = Start("dotnet", [AxonDll, .. Common, "--checkpoint-dir", dir, "--checkpoint-every", "3", "--resume"]);
            Thread.Sleep(rng.Next(300, 2500));
            if (p.HasExited)
            {
                break;
            }
            p.Kill(); // SIGKILL on Unix
            p.WaitForExit();
            kills++;
            // Whatever moment the kill hit, every checkpoint name left in the folder reads back intact.
            foreach (var f in CheckpointStore.List(dir))
            {
                CheckpointStore.Load(f);
            }
        }
        RunToEnd("dotnet", [AxonDll, .. Common, "--checkpoint-dir", dir, "--checkpoint-every", "3", "--resume"]);
        var actual = CheckpointStore.LoadNewestValid(dir)!;
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.Parameters.Count, actual.Parameters.Count);
        for (int i = 0; i < expected.Parameters.Count; i++)
        {
            Assert.Equal(expected.Parameters[i].Data, actual.Parameters[i].Data);
        }
        Assert.Equal(expected.History.Select(h => h.Loss), actual.History.Select(h => h.Loss));
        Assert.True(kills >= 0);
    }

    [Fact]
    public void MpiTwoRanksGiveTheSameLossCurveAsOneAndTwoCores()
    {
        string? mpirun = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);
        if (mpirun is null)
        {
            throw Xunit.Sdk.SkipException.ForSkip("mpirun is not installed (apt-get install openmpi-bin); the MPI equivalence test cannot run");
        }
        string dir = Directory.CreateTempSubdirectory("axon-mpi-").FullName;
        string[] args = ["train", "fashion-mnist", "--model", "mlp", "--epochs", "1", "--limit", "1024", "--test-limit", "100", "--quiet", "--seed", "3"];
        RunToEnd("dotnet", [AxonDll, .. args, "--cores", "1", "--csv", Path.Combine(dir, "c1.csv")]);
        RunToEnd("dotnet", [AxonDll, .. args, "--cores", "2", "--csv", Path.Combine(dir, "c2.csv")]);
        RunToEnd(mpirun, ["--allow-run-as-root", "--oversubscribe", "-np", "2", "dotnet", AxonDll, .. args, "--csv", Path.Combine(dir, "mpi.csv")]);
        var c1 = Losses(Path.Combine(dir, "c1.csv"));
        var c2 = Losses(Path.Combine(dir, "c2.csv"));
        var mpi = Losses(Path.Combine(dir, "mpi.csv"));
        Assert.Equal(16, c1.Length);
        Assert.Equal(c1.Length, mpi.Length);
        for (int i = 0; i < c1.Length; i++)
        {
            Assert.Equal(c1[i], c2[i], 4);
            // Two processes with one replica each add the same two shard gradients as two in-process replicas.
            Assert.Equal(c2[i], mpi[i]);
        }
    }

    [Fact]
    public void AStoppedMpiPeerMakesTheSurvivorFailWithATimeoutInsteadOfHanging()
    {
        string? mpirun = Environment.GetEnvironmentVariable("PATH")?.Split(':').Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists);
        if (mpirun is null)
        {
            throw Xunit.Sdk.SkipException.ForSkip("mpirun is not installed (apt-get install openmpi-bin); the MPI timeout test cannot run");
        }
        string dir = Directory.CreateTempSubdirectory("axon-mpi-stop-").FullName;
        string marker = Path.Combine(dir, "stop.csv");
        var psi = new ProcessStartInfo(mpirun) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["--allow-run-as-root", "--oversubscribe", "-np", "2", "-x", "AXON_MPI_TIMEOUT=4", "dotnet", AxonDll,
            "train", "fashion-mnist", "--model", "cnn", "--epochs", "3", "--limit", "6400", "--test-limit", "100", "--seed", "5", "--csv", marker])
        {
            psi.ArgumentList.Add(a);
        }
        var err = new System.Text.StringBuilder();
        using var started = new ManualResetEventSlim();
        using var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, e) => { lock (err) { err.AppendLine(e.Data); } };
        p.ErrorDataReceived += (_, e) =>
        {
            lock (err)
            {
                err.AppendLine(e.Data);
            }
            if (e.Data?.Contains("compiled the training graph") == true)
            {
                started.Set();
            }
        };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        int rank1 = -1;
        try
        {
            Assert.True(started.Wait(180_000), $"rank 0 never started training: {err}");
            rank1 = FindRank(1, marker);
            Assert.True(rank1 > 0, "rank 1's process was not found");
            Signal("STOP", rank1);
            // Rank 0 must give up on its next collective after AXON_MPI_TIMEOUT=4 s with a clear error, not wait forever.
            var clock = Stopwatch.StartNew();
            while (!Contains(err, "AXT143") && clock.Elapsed < TimeSpan.FromSeconds(120) && !p.HasExited)
            {
                Thread.Sleep(200);
            }
            Assert.Contains("error [AXT143]", Text(err));
            Assert.Contains("a peer process died, hangs or was stopped", Text(err));
        }
        finally
        {
            if (rank1 > 0)
            {
                Signal("KILL", rank1);
            }
            if (!p.WaitForExit(60_000))
            {
                p.Kill(entireProcessTree: true);
            }
        }
        Assert.NotEqual(0, p.ExitCode);
    }

    private static bool Contains(System.Text.StringBuilder sb, string s) => Text(sb).Contains(s, StringComparison.Ordinal);

    private static string Text(System.Text.StringBuilder sb)
    {
        lock (sb)
        {
            return sb.ToString();
        }
    }

    /// <summary>The pid of the MPI rank whose command line holds <paramref name="marker"/> (from /proc: environ and cmdline).</summary>
    private static int FindRank(int rank, string marker)
    {
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out int pid))
            {
                continue;
            }
            try
            {
                string cmd = File.ReadAllText(Path.Combine(d, "cmdline"));
                string env = File.ReadAllText(Path.Combine(d, "environ"));
                if (cmd.Contains(marker, StringComparison.Ordinal) && cmd.Contains("axon.dll", StringComparison.Ordinal)
                    && env.Split('\0').Contains($"OMPI_COMM_WORLD_RANK={rank}") && !cmd.StartsWith("mpirun", StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return -1;
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static double[] Losses(string csv) =>
        File.ReadAllLines(csv).Skip(1).Select(l => double.Parse(l.Split(',')[3], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
