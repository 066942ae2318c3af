namespace CallEvents.Hosting;

/// <summary>
/// A failure a user can cause and fix: its message is one line that says what is wrong and what
/// to do, printed as is by the command line's one error handler (CommandLine.RunAsync), which
/// exits with <see cref="ExitCode"/>.
/// </summary>
public sealed class CommandException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CommandException Usage(string message) => new(message, ExitCodes.Usage);
}
