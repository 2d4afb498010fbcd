using Spectre.Console;

namespace Axon.Cli.Rendering;

/// <summary>Spectre.Console consoles over the CLI's writers (plain text when the writer is not the real terminal).</summary>
internal static class Consoles
{
    public static IAnsiConsole For(TextWriter writer)
    {
        bool terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            // Redirected output (files, tests, CI logs) has no width; never squash tables into 80 columns.
            console.Profile.Width = 240;
        }
        return console;
    }

    /// <summary>True when progress bars may be drawn on this writer.</summary>
    public static bool IsInteractive(TextWriter writer) => ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
}
