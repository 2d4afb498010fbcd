using System.Globalization;

namespace Axon.Cli.Monitoring;

/// <summary>Option parsing shared by <c>axon monitor</c> and <c>axon top</c>.</summary>
internal static class MonitorOptions
{
    /// <summary>A period: <c>1s</c>, <c>500ms</c>, <c>2m</c> or plain seconds; 50 ms to 1 hour.</summary>
    public static TimeSpan Period(string? text, string option = "--period")
    {
        string t = (text ?? "").Trim();
        var (number, scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 1e-3)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : (t, 1.0);
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v * scale is >= 0.05 and <= 3600))
        {
            throw new UsageException($"{option} '{text}' is not a period between 50ms and 1h (e.g. 1s, 500ms, 2)");
        }
        return TimeSpan.FromSeconds(v * scale);
    }

    public static int Count(int? count, string option = "--count") => count switch
    {
        null => 0,
        >= 1 => count.Value,
        _ => throw new UsageException($"{option} must be at least 1 (leave it out to run until Ctrl+C)"),
    };

    /// <summary>A cancellation token fired by Ctrl+C (the handler is removed on dispose).</summary>
    public sealed class CtrlC : IDisposable
    {
        private readonly CancellationTokenSource _cts = new();

        public CtrlC() => Console.CancelKeyPress += OnCancel;

        public CancellationToken Token => _cts.Token;

        public void Cancel() => _cts.Cancel();

        private void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            _cts.Cancel();
        }

        public void Dispose()
        {
            Console.CancelKeyPress -= OnCancel;
            _cts.Dispose();
        }
    }
}
