using System.CommandLine;

namespace Axon.Cli;

/// <summary>
/// Runs the command tree with Axon's exit-code contract: 0 success, 1 model or input error (message on stderr),
/// 2 usage error. No command ever prints an unhandled-exception trace.
/// </summary>
internal static class CliHost
{
    public const int Ok = 0;
    public const int ModelError = 1;
    public const int UsageError = 2;

    public static int Invoke(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                Console.Error.WriteLine($"error: {e.Message}");
            }
            Console.Error.WriteLine("run 'axon --help' for usage");
            return UsageError;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (AxonException e)
        {
            Console.Error.WriteLine($"error [{e.Code}]: {e.Message}");
            return ModelError;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return UsageError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ModelError;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            return ModelError;
        }
    }
}

/// <summary>A command-line argument that parsed but makes no sense (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
