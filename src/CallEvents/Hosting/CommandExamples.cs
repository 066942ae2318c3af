using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.CompilerServices;

namespace CallEvents.Hosting;

/// <summary>
/// An "Examples:" section at the end of a command's <c>--help</c>. Kept out of the description,
/// which is also the one line a command gets in its parent's list of commands.
/// </summary>
public static class CommandExamples
{
    private static readonly ConditionalWeakTable<Command, string[]> Examples = [];

    public static T WithExamples<T>(this T command, params string[] examples) where T : Command
    {
        Examples.AddOrUpdate(command, examples);
        return command;
    }

    /// <summary>Makes the root's --help (which serves every command) print the examples after the usual help.</summary>
    public static void ShowInHelp(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithExamples((SynchronousCommandLineAction)help.Action!);
    }

    private sealed class HelpWithExamples(SynchronousCommandLineAction help) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var exitCode = help.Invoke(parseResult);
            if (Examples.TryGetValue(parseResult.CommandResult.Command, out var examples))
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine(examples.Length == 1 ? "Example:" : "Examples:");
                foreach (var example in examples)
                {
                    output.WriteLine("  " + example);
                }
                output.WriteLine();
            }
            return exitCode;
        }
    }
}
