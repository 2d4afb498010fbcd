using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Axon.Cli.Tests.Monitoring;

/// <summary>
/// <c>axon top</c> in a real terminal: a detached tmux session of fixed size runs the built <c>axon</c> against an
/// in-process server, the test sends inferences, reads the screen with <c>tmux capture-pane -p</c>, presses <c>q</c>
/// and checks the exit status. Skipped only where tmux is not installed.
/// </summary>
public sealed partial class TopTmuxTests
{
    [TmuxTheory]
    [InlineData("q")]
    [InlineData("C-c")]
    public async Task TopShowsTheModelAndItsRequestsAndQuits(string quitKey)
    {
        await using var s = await LiveServer.StartAsync();
        string socket = "axon-top-" + Guid.NewGuid().ToString("N")[..8];
        using var dir = new TempDir();
        string rcFile = dir.File("rc");
        string axon = Path.Combine(AppContext.BaseDirectory, "axon.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        // The exit status lands in a file; the pane stays open afterwards so a failure can still be read.
        // The shell traps SIGINT (so Ctrl+C reaches only top's own handler and the shell goes on to record the status).
        string command = $"trap true INT; '{dotnet}' '{axon}' top --url {s.Url} --period 300ms; echo $? > '{rcFile}'; sleep 60";
        Tmux(socket, "new-session", "-d", "-s", "top", "-x", "160", "-y", "48", command);
        try
        {
            // The first screen comes after one period; then the requests must show up as a non-zero count.
            string screen = WaitForScreen(socket, sc => sc.Contains("fashion_mnist", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            await s.InferAsync(12);
            screen = WaitForScreen(socket, sc => RequestCount(sc) >= 12, TimeSpan.FromSeconds(60));
            Assert.Contains("axon top", screen);
            Assert.Contains("logical cores", screen);
            Assert.Equal(12, RequestCount(screen));
            Tmux(socket, "send-keys", "-t", "top", quitKey);
            var deadline = Stopwatch.StartNew();
            while (!File.Exists(rcFile) && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
            Assert.True(File.Exists(rcFile), $"axon top did not exit after {quitKey}; screen:\n" + Capture(socket));
            Assert.Equal("0", File.ReadAllText(rcFile).Trim());
        }
        finally
        {
            TryTmux(socket, "kill-server");
        }
    }

    /// <summary>The "requests" cell of the fashion_mnist row (third column of the models table), or -1.</summary>
    private static long RequestCount(string screen)
    {
        foreach (var line in screen.Split('\n'))
        {
            var cells = CellSplit().Split(line).Select(c => c.Trim()).Where(c => c.Length > 0).ToArray();
            if (cells.Length >= 3 && cells[0] == "fashion_mnist" && long.TryParse(cells[2], out long n))
            {
                return n;
            }
        }
        return -1;
    }

    [GeneratedRegex("[│|]")]
    private static partial Regex CellSplit();

    private static string WaitForScreen(string socket, Func<string, bool> ok, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string screen = "";
        while (clock.Elapsed < timeout)
        {
            screen = Capture(socket);
            if (ok(screen))
            {
                return screen;
            }
            Thread.Sleep(200);
        }
        Assert.Fail("the screen never showed what was expected; last screen:\n" + screen);
        return screen;
    }

    private static string Capture(string socket) => Tmux(socket, "capture-pane", "-p", "-t", "top");

    private static void TryTmux(string socket, params string[] args)
    {
        try
        {
            Tmux(socket, args);
        }
        catch (Xunit.Sdk.XunitException)
        {
        }
    }

    private static string Tmux(string socket, params string[] args)
    {
        var psi = new ProcessStartInfo(TmuxTheoryAttribute.TmuxPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-L");
        psi.ArgumentList.Add(socket);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // A terminal type tmux knows, whatever the test runner had.
        psi.Environment["TERM"] = "xterm-256color";
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Assert.Fail($"tmux {string.Join(' ', args)} failed ({p.ExitCode}): {stderr}");
        }
        return stdout;
    }
}

/// <summary>Runs only where tmux is installed (CI installs it).</summary>
public sealed class TmuxTheoryAttribute : TheoryAttribute
{
    public static readonly string? TmuxPath = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin")
        .Split(Path.PathSeparator).Append("/usr/bin").Select(d => Path.Combine(d, "tmux")).FirstOrDefault(File.Exists);

    public TmuxTheoryAttribute()
    {
        if (TmuxPath is null)
        {
            Skip = "tmux is not installed";
        }
    }
}
