using System.CommandLine;
using CallEvents.Dispatch.Intake;

namespace CallEvents.Cli.Commands;

/// <summary>
/// The wire's numbers by the names people use: event types (0–4 or dial-in, dial-out, hangup,
/// answer-in, answer-out, as the PBX reports them), methods (0/GET, 1/POST), status (0/disabled,
/// 1/enabled). A value that is neither is a parse error, reported before anything is sent.
/// </summary>
public static class WireNames
{
    private static readonly string[] Kinds = [CallEventKinds.DialIn, CallEventKinds.DialOut, CallEventKinds.Hangup, CallEventKinds.AnswerIn, CallEventKinds.AnswerOut];
    private static readonly string[] Methods = ["GET", "POST"];
    private static readonly string[] Statuses = ["disabled", "enabled"];

    public static string TypeName(string? type) => Name(type, Kinds);

    public static string MethodName(string? method) => Name(method, Methods);

    public static string StatusName(string? status) => Name(status, Statuses);

    public static Option<int?> TypeOption(bool required, string description) =>
        Choice("--type", description + " 0-4 or " + string.Join(", ", Kinds) + ".", required, Kinds, name => CallEventKinds.EventType(name));

    public static Option<int?> MethodOption(string description) =>
        Choice("--method", description, required: false, Methods, name => Array.IndexOf(Methods, name.ToUpperInvariant()) is >= 0 and var i ? i : null);

    public static Option<int?> StatusOption() =>
        Choice("--status", "enabled (1, the default of a new event) or disabled (0): a disabled event gets no deliveries.", required: false, Statuses,
            name => Array.IndexOf(Statuses, name.ToLowerInvariant()) is >= 0 and var i ? i : null);

    private static Option<int?> Choice(string name, string description, bool required, string[] names, Func<string, int?> byName) => new(name)
    {
        Description = description,
        Required = required,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (text is { Length: 1 } && text[0] - '0' is var digit && digit >= 0 && digit < names.Length)
            {
                return digit;
            }
            if (byName(text) is { } value)
            {
                return value;
            }
            result.AddError($"{name} '{text}' is not one of 0-{names.Length - 1} or {string.Join(", ", names)}.");
            return null;
        },
    };

    private static string Name(string? value, string[] names) =>
        value is { Length: 1 } && value[0] - '0' is var i && i >= 0 && i < names.Length ? $"{value} {names[i]}" : value ?? "";
}
