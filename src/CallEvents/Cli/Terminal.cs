using Spectre.Console;

namespace CallEvents.Cli;

/// <summary>
/// Where the command line writes: answers on stdout (tables for people, JSON for scripts),
/// progress and questions only where a person is watching, never into a pipe or a log.
/// </summary>
public static class Terminal
{
    private static readonly Lazy<IAnsiConsole> StandardOutput = new(() => Create(Console.Out, Console.IsOutputRedirected));
    private static readonly Lazy<IAnsiConsole> StandardError = new(() => Create(Console.Error, Console.IsErrorRedirected));

    public static IAnsiConsole Out => StandardOutput.Value;

    public static IAnsiConsole Error => StandardError.Value;

    /// <summary>Progress is drawn on stderr, so stdout stays the command's answer (and --json stays one document).</summary>
    public static bool ShowsProgress => !Console.IsErrorRedirected;

    /// <summary>A question needs someone to read it and to type the answer.</summary>
    public static bool CanAsk => !Console.IsInputRedirected && !Console.IsOutputRedirected;

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            // Piped to a file or grep, a row stays on one line however long its URL.
            console.Profile.Width = 4096;
        }
        return console;
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar of <paramref name="total"/> steps; it reports each step done.</summary>
    public static async Task<T> WithProgressAsync<T>(string description, int total, Func<Action, Task<T>> work)
    {
        if (!ShowsProgress || total <= 1)
        {
            return await work(() => { });
        }
        return await Error.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(description, maxValue: total);
                return await work(() => task.Increment(1));
            });
    }

    /// <summary>Runs one step that takes a while (a request, a transaction) under a spinner.</summary>
    public static async Task<T> WithStatusAsync<T>(string description, Func<Task<T>> work) =>
        ShowsProgress ? await Error.Status().StartAsync(description, _ => work()) : await work();

    /// <summary>Asks a yes/no question on the terminal; the answer is no unless typed.</summary>
    public static bool Confirm(string question) => Out.Confirm(question, defaultValue: false);

    /// <summary>Reads a secret without echoing it.</summary>
    public static string AskSecret(string prompt) => Out.Prompt(new TextPrompt<string>(prompt).Secret());
}
