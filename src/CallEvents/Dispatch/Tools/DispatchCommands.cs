using System.CommandLine;
using System.Globalization;
using CallEvents.Dispatch.Attempts;
using CallEvents.Dispatch.Queue;
using CallEvents.Dispatch.Signing;
using CallEvents.Hosting;
using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Dispatch.Tools;

/// <summary>
/// <c>callevents apps signing-secret|rotate-signing-secret</c> and <c>callevents deliveries replay</c>:
/// the operator's side of signing secrets and replays, straight on the database like the
/// other provisioning commands.
/// </summary>
public static class DispatchCommands
{
    /// <summary>Adds the signing-secret subcommands to the <c>apps</c> group.</summary>
    public static Command WithSigningSecrets(Command apps, Option<bool> json)
    {
        var clientId = new Option<string>("--client-id") { Description = "The app's client id.", Required = true };
        var show = new Command("signing-secret", "Print the secret the app's deliveries are signed with (whsec_…).") { clientId, json };
        show.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            var secret = await services.GetRequiredService<SigningSecrets>().GetAsync(parse.GetValue(clientId)!, ct);
            Report(parse, json, secret);
            return 0;
        }, ct));
        var rotate = new Command("rotate-signing-secret", "Make a new signing secret; the previous one keeps signing for Delivery:SigningSecretGracePeriod.") { clientId, json };
        rotate.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            var secret = await services.GetRequiredService<SigningSecrets>().RotateAsync(parse.GetValue(clientId)!, ct);
            Report(parse, json, secret);
            return 0;
        }, ct));
        foreach (var command in new[] { show, rotate })
        {
            command.TreatUnmatchedTokensAsErrors = false;
            apps.Subcommands.Add(command);
        }
        return apps;
    }

    public static Command Deliveries(Option<bool> json)
    {
        var delivery = new Option<string?>("--delivery") { Description = "Replay this delivery (its id in the delivery log)." };
        var eventId = new Option<string?>("--event") { Description = "Replay every failed delivery of this phone call event…" };
        var since = new Option<string?>("--since") { Description = "…that failed at or after this time (e.g. 2026-11-29T10:00:00Z)." };
        var replay = new Command("replay", "Queue deliveries again, with the same webhook-id.") { delivery, eventId, since, json };
        replay.TreatUnmatchedTokensAsErrors = false;
        replay.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            var db = services.GetRequiredService<CallEventsDb>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
            IQueryable<Delivery> selected;
            if (parse.GetValue(delivery) is { } id)
            {
                selected = db.Deliveries.Where(d => d.Id == id);
            }
            else if (parse.GetValue(eventId) is { } pce
                && DateTimeOffset.TryParse(parse.GetValue(since), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var from))
            {
                var fromMs = from.ToUnixTimeMilliseconds();
                selected = db.Deliveries.Where(d => d.EventId == pce && d.State == DeliveryState.Failed && d.FinishedAt >= fromMs);
            }
            else
            {
                throw new ArgumentException("Give --delivery ID, or --event ID with --since TIME.");
            }
            var ids = await selected.Select(d => d.Id).ToListAsync(ct);
            await DeliveryQueue.RequeueAsync(selected, now);
            Report(parse, json, ids.Select(i => new ReplayedId(i)).ToArray(),
                ids.Count == 0 ? "Nothing to replay." : $"Queued again: {string.Join(", ", ids)} (a running server sends them within its poll interval).");
            return ids.Count == 0 && parse.GetValue(delivery) is not null ? 2 : 0;
        }, ct));
        var group = new Command("deliveries", "The delivery queue.");
        group.Subcommands.Add(replay);
        return group;
    }

    private static void Report(ParseResult parse, Option<bool> json, SigningSecretOut secret) =>
        Report(parse, json, secret, secret.PreviousSigningSecret is null
            ? $"signing_secret={secret.SigningSecret}"
            : $"signing_secret={secret.SigningSecret}\nprevious_signing_secret={secret.PreviousSigningSecret} (signs too until {secret.PreviousValidUntil})");

    private static void Report<T>(ParseResult parse, Option<bool> json, T value, string text)
    {
        if (parse.GetValue(json))
        {
            CommandLine.Print(value);
        }
        else
        {
            Console.WriteLine(text);
        }
    }
}
