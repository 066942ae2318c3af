using System.CommandLine;
using System.Text.Json;
using CallEvents.Cli;
using CallEvents.Cli.Client;
using CallEvents.Cli.Commands;
using CallEvents.Dispatch.Intake;
using CallEvents.Hosting;
using CallEvents.Uapi;

namespace CallEvents.Dispatch.Tools;

/// <summary>
/// <c>callevents simulate call --from 0003*210 --to 0003*211 [--answer] [--hangup BUSY] [--calls N]</c>:
/// plays the PBX against a running server. Each call is the sequence a real one produces:
/// dial-out on the caller, dial-in on the callee, (answer-out on the caller, answer-in on the
/// callee,) and a hangup on both ends, each event reported as it happens.
/// </summary>
public static class SimulateCommand
{
    public static Command Create()
    {
        var from = new Option<string>("--from") { Description = "The calling extension (0003*210).", Required = true };
        var to = new Option<string>("--to") { Description = "The called extension (0003*211).", Required = true };
        var answer = new Option<bool>("--answer") { Description = "The callee answers." };
        var hangup = new Option<string?>("--hangup") { Description = "How the call ends: ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL (default ANSWER if answered, else NOANSWER)." };
        var calls = new Option<int>("--calls") { Description = "How many calls, one after the other (1 to 10000).", DefaultValueFactory = _ => 1 };

        var call = new Command("call", "Report the events of simulated calls to a running server, as an Admin app (only the PBX's app may report calls).") { from, to, answer, hangup, calls };
        call.WithExamples("callevents simulate call --from 0003*210 --to 0003*211 --answer --client-id ADMIN_ID --client-secret ADMIN_SECRET", "callevents simulate call --from 0003*210 --to 0003*211 --hangup BUSY --calls 100 --json");
        call.SetAction(async (parse, cancellationToken) =>
        {
            var caller = parse.GetValue(from)!;
            var callee = parse.GetValue(to)!;
            var answered = parse.GetValue(answer);
            var ending = parse.GetValue(hangup)?.ToUpperInvariant() ?? (answered ? "ANSWER" : "NOANSWER");
            var count = parse.GetValue(calls);
            var json = parse.GetValue(ClientFlags.Json);
            if (!CallEventKinds.HangupStatuses.Contains(ending) || !ExtensionNumber.TryParse(caller, out _) || !ExtensionNumber.TryParse(callee, out var calleeNumber)
                || count is < 1 or > 10000)
            {
                throw CommandException.Usage("Give --from and --to as 0003*210, --hangup as one of " + string.Join(", ", CallEventKinds.HangupStatuses)
                    + ", and --calls from 1 to 10000.");
            }

            using var client = await ClientFlags.ConnectAsync(parse, cancellationToken);
            var explain = new Dictionary<string, string>
            {
                ["pce_access_denied"] = $"simulate plays the PBX, which only an Admin app may do, and app {client.Connection.ClientId} is not one "
                    + "(pce_access_denied): use the demo's admin app (printed when the demo tenant is created), or add one where the server runs: "
                    + "`callevents apps add --account admin --trusted` (admin: the Admin account's id in the demo).",
            };
            // One line per report, unless a progress bar shows the calls (or --json asks for the totals only).
            var quiet = json || (Terminal.ShowsProgress && count > 1);
            var (reports, deliveries) = (0, 0);
            await Terminal.WithProgressAsync($"Simulating {count} calls", count, async step =>
            {
                for (var n = 0; n < count; n++)
                {
                    var callId = "sim-" + ObjectIds.NewId(12);
                    object Report(string kind, string extension, string status) => new
                    {
                        callId, @event = kind, extension, callerIdNum = caller, callerIdName = "Simulated caller", calledDid = "",
                        calledExtension = callee, callerExtension = caller, calledNumber = calleeNumber.Local, callStatus = status,
                        occurredAt = DateTimeOffset.UtcNow.ToString("O"),
                    };
                    var sequence = new List<object> { Report(CallEventKinds.DialOut, caller, ""), Report(CallEventKinds.DialIn, callee, "") };
                    if (answered)
                    {
                        sequence.Add(Report(CallEventKinds.AnswerOut, caller, ""));
                        sequence.Add(Report(CallEventKinds.AnswerIn, callee, ""));
                    }
                    sequence.Add(Report(CallEventKinds.Hangup, caller, ending));
                    sequence.Add(Report(CallEventKinds.Hangup, callee, ending));
                    foreach (var report in sequence)
                    {
                        var reply = await client.SendAsync(HttpMethod.Post, UapiPaths.CallEvents, report, cancellationToken, explain);
                        reports++;
                        deliveries += reply.Json() is { ValueKind: JsonValueKind.Object } accepted && accepted.TryGetProperty("deliveries", out var queued)
                            && queued.TryGetInt32(out var d) ? d : 0;
                        if (!quiet)
                        {
                            Console.WriteLine($"{reply.Status} {reply.Body}  <- {JsonSerializer.Serialize(report)}");
                        }
                    }
                    step();
                }
                return 0;
            });
            if (json)
            {
                CommandLine.Print(new { Calls = count, Reports = reports, Deliveries = deliveries });
            }
            else if (quiet)
            {
                Console.WriteLine($"{count} calls reported: {reports} call events, {deliveries} deliveries queued.");
            }
            return ExitCodes.Ok;
        });
        var simulate = new Command("simulate", "Play the PBX against a running server.");
        simulate.Subcommands.Add(call.WithConnection());
        return simulate;
    }
}
