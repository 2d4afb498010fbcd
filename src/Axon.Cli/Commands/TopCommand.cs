using System.CommandLine;
using System.Diagnostics;
using Axon.Cli.Monitoring;
using Axon.Cli.Rendering;
using Spectre.Console;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon top --url http://host:port [--period 1s] [--model NAME] [--count N]</c>: a live view of a running
/// <c>axon serve</c> (cores, vCPUs, models with rates, latencies, errors, queue, batches, memory), redrawn in place
/// every period; <c>q</c> or Ctrl+C quits. When the output is not a terminal each period is printed in turn (batch mode).
/// </summary>
internal static class TopCommand
{
    public static Command Create(CliIO io)
    {
        var url = new Option<string>("--url") { Description = "address of the running axon serve (HTTP port)", DefaultValueFactory = _ => "http://127.0.0.1:8000" };
        var period = new Option<string>("--period") { Description = "refresh interval, e.g. 1s, 500ms", DefaultValueFactory = _ => "1s" };
        var model = new Option<string?>("--model") { Description = "show only this model (error if the server has not loaded it)" };
        var count = new Option<int?>("--count") { Description = "refresh this many times, then exit (default: until q or Ctrl+C)" };
        var cmd = new Command("top", "Live view of a running axon serve: cores, models, request rates, latencies, errors, queues. q quits.\n" +
            "Example: axon top --url http://127.0.0.1:8000 --period 1s")
        {
            url, period, model, count,
        };
        cmd.SetAction(p => Run(io, StatsClient.ParseUrl(p.GetValue(url)), MonitorOptions.Period(p.GetValue(period)), p.GetValue(model),
            MonitorOptions.Count(p.GetValue(count))));
        return cmd;
    }

    private static int Run(CliIO io, Uri url, TimeSpan period, string? model, int count)
    {
        using var client = new StatsClient(url, TimeSpan.FromSeconds(Math.Max(5, period.TotalSeconds * 2)));
        using var quit = new MonitorOptions.CtrlC();
        // Fail before drawing anything when the server is not there or the model is unknown.
        var first = client.Fetch(period, model);
        var console = Consoles.For(io.Out);
        bool live = Consoles.IsInteractive(io.Out);
        if (live && !Console.IsInputRedirected)
        {
            var keys = new Thread(() => ReadKeys(quit)) { IsBackground = true, Name = "axon-top-keys" };
            keys.Start();
        }
        var frames = Frames(client, first, period, model, count, quit.Token, url);
        if (!live)
        {
            foreach (var frame in frames)
            {
                console.Write(frame);
                io.Out.WriteLine();
                io.Out.Flush();
            }
            return CliHost.Ok;
        }
        console.Live(TopView.Waiting(url)).Overflow(VerticalOverflow.Ellipsis).Start(ctx =>
        {
            ctx.Refresh();
            foreach (var frame in frames)
            {
                ctx.UpdateTarget(frame);
                ctx.Refresh();
            }
        });
        return CliHost.Ok;
    }

    /// <summary>One screen per period until the count is reached or the user quits; a failed fetch keeps the last data with the error shown.</summary>
    private static IEnumerable<Spectre.Console.Rendering.IRenderable> Frames(StatsClient client, StatsSample first, TimeSpan period, string? model, int count,
        CancellationToken quit, Uri url)
    {
        var prev = first;
        WindowView? last = null;
        var clock = Stopwatch.StartNew();
        for (long seq = 1; count == 0 || seq <= count; seq++)
        {
            var due = period * seq - clock.Elapsed;
            if (due > TimeSpan.Zero && quit.WaitHandle.WaitOne(due) || quit.IsCancellationRequested)
            {
                yield break;
            }
            string? error = null;
            try
            {
                var cur = client.Fetch(period, model, quit);
                last = WindowView.Between(prev, cur, seq);
                prev = cur;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            catch (AxonException e)
            {
                error = $"error [{e.Code}]: {e.Message}";
            }
            yield return last is null ? new Markup($"[red]{Markup.Escape(error ?? "")}[/]") : TopView.Render(last, url, error);
        }
    }

    private static void ReadKeys(MonitorOptions.CtrlC quit)
    {
        try
        {
            while (!quit.Token.IsCancellationRequested)
            {
                var k = Console.ReadKey(intercept: true);
                if (k.Key is ConsoleKey.Q or ConsoleKey.Escape || (k.Key == ConsoleKey.C && k.Modifiers.HasFlag(ConsoleModifiers.Control)))
                {
                    quit.Cancel();
                    return;
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or ObjectDisposedException)
        {
            // No keyboard (input closed): Ctrl+C still quits.
        }
    }
}
