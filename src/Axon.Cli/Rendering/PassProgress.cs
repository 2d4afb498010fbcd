using Axon.Compiler;
using Spectre.Console;

namespace Axon.Cli.Rendering;

/// <summary>
/// Shows a compile's progress: on a terminal, a Spectre.Console spinner naming the running pass and one line per
/// finished pass with its time; when standard error is redirected (logs, CI, tests), the same lines as plain text.
/// </summary>
internal static class PassProgress
{
    /// <summary>Runs <paramref name="work"/> with a progress callback that renders to <paramref name="io"/>'s error stream.</summary>
    public static T Run<T>(CliIO io, Func<Action<CompileProgress>, T> work)
    {
        bool terminal = ReferenceEquals(io.Err, Console.Error) && !Console.IsErrorRedirected;
        if (!terminal)
        {
            return work(p => Plain(io.Err, p));
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Status().Spinner(Spinner.Known.Dots).Start("compiling", ctx =>
        {
            result = work(p =>
            {
                if (p.Duration is not { } d)
                {
                    ctx.Status($"[yellow]{Markup.Escape(p.Phase)}[/]");
                    return;
                }
                string mark = p.Changed ? "[green]changed[/]" : "[grey]no change[/]";
                console.MarkupLine($"  {Markup.Escape(p.Phase),-32} {d.TotalMilliseconds,9:F2} ms  {mark}");
            });
        });
        return result;
    }

    private static void Plain(TextWriter err, CompileProgress p)
    {
        if (p.Duration is { } d)
        {
            err.WriteLine($"  {p.Phase,-32} {d.TotalMilliseconds,9:F2} ms{(p.Changed ? "  changed" : "")}");
        }
    }
}
