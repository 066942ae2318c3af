using System.CommandLine;
using System.Globalization;
using CallEvents.Cli.Client;
using CallEvents.Hosting;

namespace CallEvents.Cli.Commands;

/// <summary>
/// <c>callevents deliveries list|replay</c>: a phone call event's delivery log, newest attempt
/// first, and sending deliveries again (with the same webhook-id), on a running server.
/// </summary>
public static class DeliveriesCommands
{
    public static Command Create()
    {
        var group = new Command("deliveries", "The delivery log of a phone call event, and replays, on a running server.")
            .WithExamples("callevents deliveries list --extension 0003*211 --type 0 --id EVENT_ID", "callevents deliveries replay --extension 0003*211 --type 0 --id EVENT_ID --since 2026-11-29T10:00:00Z");
        group.Subcommands.Add(List());
        group.Subcommands.Add(Replay());
        return group;
    }

    private static Option<int?> Type() => WireNames.TypeOption(required: true, "The event's type:");

    private static Option<string> EventId() => new("--id", "--event") { Description = "The phone call event's id.", Required = true };

    private static Command List()
    {
        var type = Type();
        var id = EventId();
        var count = new Option<int?>("--count") { Description = "Attempts per page, 1-5000 (default 20)." };
        var startIndex = new Option<int?>("--start-index") { Description = "Skip this many attempts (default 0)." };
        var list = new Command("list", "List the delivery attempts of a phone call event, newest first.") { ClientFlags.Extension, ClientFlags.User, type, id, count, startIndex };
        list.WithExamples("callevents deliveries list --extension 0003*211 --type dial-in --id EVENT_ID");
        list.SetAction(async (parse, ct) =>
        {
            var query = new List<string>();
            if (parse.GetValue(count) is { } c)
            {
                query.Add("count=" + c.ToString(CultureInfo.InvariantCulture));
            }
            if (parse.GetValue(startIndex) is { } s)
            {
                query.Add("startIndex=" + s.ToString(CultureInfo.InvariantCulture));
            }
            using var client = await ClientFlags.ConnectAsync(parse, ct);
            var path = Path(parse, type, id) + (query.Count > 0 ? "?" + string.Join('&', query) : "");
            var reply = await client.GetAsync(path, ct);
            if (parse.GetValue(ClientFlags.Json))
            {
                ClientFlags.PrintJson(reply);
                return ExitCodes.Ok;
            }
            var json = reply.Json();
            var entries = Tables.Entries(json);
            if (entries.Length > 0)
            {
                Terminal.Out.Write(Tables.Deliveries(entries));
            }
            Console.WriteLine(Tables.PageLine(json, entries.Length, "delivery attempts"));
            return ExitCodes.Ok;
        });
        return list.WithConnection();
    }

    private static Command Replay()
    {
        var type = Type();
        var id = EventId();
        var delivery = new Option<string?>("--delivery") { Description = "Replay this delivery (its id in the delivery log)." };
        var since = new Option<string?>("--since") { Description = "Replay every failed delivery of the event that finished at or after this time (e.g. 2026-11-29T10:00:00Z)." };
        var replay = new Command("replay", "Queue deliveries of a phone call event again, due now, with the same webhook-id.") { ClientFlags.Extension, ClientFlags.User, type, id, delivery, since };
        replay.WithExamples("callevents deliveries replay --extension 0003*211 --type 0 --id EVENT_ID --delivery DELIVERY_ID", "callevents deliveries replay --extension 0003*211 --type 0 --id EVENT_ID --since 2026-11-29T10:00:00Z");
        replay.SetAction(async (parse, ct) =>
        {
            var one = parse.GetValue(delivery);
            var from = parse.GetValue(since);
            if ((one is null) == (from is null))
            {
                throw CommandException.Usage("Give --delivery ID (one delivery) or --since TIME (every failed one since then), not both.");
            }
            using var client = await ClientFlags.ConnectAsync(parse, ct);
            var path = Path(parse, type, id) + (one is not null
                ? $"/{Uri.EscapeDataString(one)}/replay"
                : "/replay?since=" + Uri.EscapeDataString(from!));
            var reply = await client.SendAsync(HttpMethod.Post, path, null, ct);
            if (parse.GetValue(ClientFlags.Json))
            {
                ClientFlags.PrintJson(reply);
                return ExitCodes.Ok;
            }
            var ids = Tables.Entries(reply.Json()).Select(e => Tables.Field(e, "id")).ToArray();
            Console.WriteLine(ids.Length == 0
                ? $"Nothing to replay: no delivery of this event failed since {from}."
                : $"Queued again: {string.Join(", ", ids)} (the server sends them at once).");
            return ExitCodes.Ok;
        });
        return replay.WithConnection();
    }

    private static string Path(ParseResult parse, Option<int?> type, Option<string> id) =>
        UapiPaths.Deliveries(parse.GetValue(ClientFlags.User)!, parse.GetValue(ClientFlags.Extension)!, parse.GetValue(type)!.Value, parse.GetValue(id)!);
}
