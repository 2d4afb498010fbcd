using System.CommandLine;

namespace Axon.Cli;

/// <summary>Where a command writes: standard output for results, standard error for diagnostics.</summary>
internal sealed record CliIO(TextWriter Out, TextWriter Err);

/// <summary>
/// Runs the command tree with Axon's exit-code contract: 0 success, 1 model or input error (message on stderr),
/// 2 usage error. No command ever prints an unhandled-exception trace.
/// </summary>
internal static class CliHost
{
    public const int Ok = 0;
    public const int ModelError = 1;
    public const int UsageError = 2;

    public static int Invoke(RootCommand root, string[] args, CliIO io)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                io.Err.WriteLine($"error: {e.Message}");
            }
            io.Err.WriteLine("run 'axon --help' for usage");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = io.Out, Error = io.Err });
        }
        catch (AxonException e)
        {
            io.Err.WriteLine($"error [{e.Code}]: {e.Message}");
            return ModelError;
        }
        catch (UsageException e)
        {
            io.Err.WriteLine($"error: {e.Message}");
            return UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            io.Err.WriteLine($"error: {e.Message}");
            return ModelError;
        }
        catch (Exception e)
        {
            io.Err.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            return ModelError;
        }
    }
}

/// <summary>A command-line argument that parsed but makes no sense (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
