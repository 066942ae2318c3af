using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using CallEvents.Dispatch.Intake;
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
        var calls = new Option<int>("--calls") { Description = "How many calls, one after the other.", DefaultValueFactory = _ => 1 };
        var server = new Option<string>("--server") { Description = "The running server.", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var clientId = new Option<string?>("--client-id") { Description = "An Admin app's client id (or CALLEVENTS_CLIENT_ID)." };
        var clientSecret = new Option<string?>("--client-secret") { Description = "Its secret (or CALLEVENTS_CLIENT_SECRET)." };

        var call = new Command("call", "Report the events of simulated calls to a running server.") { from, to, answer, hangup, calls, server, clientId, clientSecret };
        call.SetAction(async (parse, cancellationToken) =>
        {
            var caller = parse.GetValue(from)!;
            var callee = parse.GetValue(to)!;
            var answered = parse.GetValue(answer);
            var ending = parse.GetValue(hangup)?.ToUpperInvariant() ?? (answered ? "ANSWER" : "NOANSWER");
            var id = parse.GetValue(clientId) ?? Environment.GetEnvironmentVariable("CALLEVENTS_CLIENT_ID");
            var secret = parse.GetValue(clientSecret) ?? Environment.GetEnvironmentVariable("CALLEVENTS_CLIENT_SECRET");
            if (!CallEventKinds.HangupStatuses.Contains(ending) || !ExtensionNumber.TryParse(caller, out _) || !ExtensionNumber.TryParse(callee, out var calleeNumber)
                || id is null || secret is null || parse.GetValue(calls) is < 1 or > 10000)
            {
                await Console.Error.WriteLineAsync("Give --from and --to as 0003*210, --hangup as one of " + string.Join(", ", CallEventKinds.HangupStatuses)
                    + ", --calls from 1 to 10000, and an Admin app's --client-id/--client-secret (or CALLEVENTS_CLIENT_ID/CALLEVENTS_CLIENT_SECRET).");
                return 2;
            }

            using var http = new HttpClient { BaseAddress = new Uri(parse.GetValue(server)!) };
            using var token = await http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = id, ["client_secret"] = secret,
            }), cancellationToken);
            if (!token.IsSuccessStatusCode)
            {
                await Console.Error.WriteLineAsync($"The token request failed: {(int)token.StatusCode} {await token.Content.ReadAsStringAsync(cancellationToken)}");
                return 1;
            }
            using (var json = JsonDocument.Parse(await token.Content.ReadAsStringAsync(cancellationToken)))
            {
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json.RootElement.GetProperty("access_token").GetString());
            }

            for (var n = 0; n < parse.GetValue(calls); n++)
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
                    using var response = await http.PostAsJsonAsync("/pbx/callEvents", report, cancellationToken);
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    var shown = JsonSerializer.Serialize(report);
                    Console.WriteLine($"{(int)response.StatusCode} {body}  <- {shown}");
                    if (!response.IsSuccessStatusCode)
                    {
                        return 1;
                    }
                }
            }
            return 0;
        });
        var simulate = new Command("simulate", "Play the PBX against a running server.");
        simulate.Subcommands.Add(call);
        return simulate;
    }
}
