using System.CommandLine;
using CallEvents.Cli.Client;
using CallEvents.Hosting;

namespace CallEvents.Cli.Commands;

/// <summary>
/// <c>callevents pce add|list|get|update|delete</c>: the phone call events of an extension,
/// managed over the UAPI of a running server as any app would (curl's job, with tables).
/// </summary>
public static class PceCommands
{
    public static readonly Option<string> Id = new("--id") { Description = "The event's id (as add or list printed it).", Required = true };
    private static readonly Option<string?> Note = new("--note") { Description = "Free text, at most 1024 characters." };

    public static Command Create()
    {
        var group = new Command("pce", "Phone call events (HTTP hooks) of an extension, on a running server.")
            .WithExamples("callevents pce add --extension 0003*210 --type dial-in --url https://crm.example.com/hooks/calls --note 'CRM screen-pop'", "callevents pce list --extension 0003*210", "callevents pce update --extension 0003*210 --type 0 --id ID --status disabled", "callevents pce delete --extension 0003*210 --type dial-in");
        group.Subcommands.Add(Add());
        group.Subcommands.Add(PceListCommand.List());
        group.Subcommands.Add(Get());
        group.Subcommands.Add(Update());
        group.Subcommands.Add(PceDeleteCommand.Create());
        return group;
    }

    private static Command Add()
    {
        var type = WireNames.TypeOption(required: true, "When to call:");
        var method = WireNames.MethodOption("How to call: POST (1, the default: a form body) or GET (0: the parameters in the query).");
        var url = new Option<string>("--url") { Description = "The absolute http(s) URL to call.", Required = true };
        var status = WireNames.StatusOption();
        var add = new Command("add", "Register a phone call event: when the extension has a call event of this type, the server calls the URL.") { ClientFlags.Extension, ClientFlags.User, type, method, url, Note, status };
        add.WithExamples("callevents pce add --extension 0003*210 --type dial-in --method POST --url https://crm.example.com/hooks/calls");
        add.SetAction(async (parse, ct) =>
        {
            using var client = await ClientFlags.ConnectAsync(parse, ct);
            var body = new Dictionary<string, string?>
            {
                ["type"] = Digit(parse.GetValue(type)),
                ["method"] = Digit(parse.GetValue(method) ?? 1),
                ["url"] = parse.GetValue(url),
            };
            AddIfGiven(body, "note", parse.GetValue(Note));
            AddIfGiven(body, "status", Digit(parse.GetValue(status)));
            var reply = await client.SendAsync(HttpMethod.Post, Path(parse), body, ct);
            Report(parse, reply, "Created");
            return ExitCodes.Ok;
        });
        return add.WithConnection();
    }

    private static Command Get()
    {
        var type = WireNames.TypeOption(required: true, "The event's type:");
        var get = new Command("get", "Show one phone call event.") { ClientFlags.Extension, ClientFlags.User, type, Id };
        get.WithExamples("callevents pce get --extension 0003*210 --type 0 --id NqeyDRqo4FtabmFj8gNWq3hsiGNYyq");
        get.SetAction(async (parse, ct) =>
        {
            using var client = await ClientFlags.ConnectAsync(parse, ct);
            var reply = await client.GetAsync(Path(parse, parse.GetValue(type), parse.GetValue(Id)), ct);
            Report(parse, reply, null);
            return ExitCodes.Ok;
        });
        return get.WithConnection();
    }

    private static Command Update()
    {
        var type = WireNames.TypeOption(required: true, "The event's type (it cannot change):");
        var method = WireNames.MethodOption("A new method: POST (1) or GET (0).");
        var url = new Option<string?>("--url") { Description = "A new URL." };
        var status = WireNames.StatusOption();
        var update = new Command("update", "Change some fields of a phone call event; the others keep their values.") { ClientFlags.Extension, ClientFlags.User, type, Id, method, url, Note, status };
        update.WithExamples("callevents pce update --extension 0003*210 --type 0 --id NqeyDRqo4FtabmFj8gNWq3hsiGNYyq --url https://crm.example.com/v2/calls");
        update.SetAction(async (parse, ct) =>
        {
            var body = new Dictionary<string, string?>();
            AddIfGiven(body, "method", Digit(parse.GetValue(method)));
            AddIfGiven(body, "url", parse.GetValue(url));
            AddIfGiven(body, "note", parse.GetValue(Note));
            AddIfGiven(body, "status", Digit(parse.GetValue(status)));
            if (body.Count == 0)
            {
                throw CommandException.Usage("Nothing to change: give at least one of --method, --url, --note, --status.");
            }
            using var client = await ClientFlags.ConnectAsync(parse, ct);
            var reply = await client.SendAsync(HttpMethod.Put, Path(parse, parse.GetValue(type), parse.GetValue(Id)), body, ct);
            Report(parse, reply, "Updated");
            return ExitCodes.Ok;
        });
        return update.WithConnection();
    }

    public static string Path(ParseResult parse, int? type = null, string? id = null) =>
        UapiPaths.Events(parse.GetValue(ClientFlags.User)!, parse.GetValue(ClientFlags.Extension)!, type, id);

    /// <summary>The server's answer: its JSON unchanged with --json, else a table of the events in it.</summary>
    private static void Report(ParseResult parse, UapiReply reply, string? verb)
    {
        if (parse.GetValue(ClientFlags.Json))
        {
            ClientFlags.PrintJson(reply);
            return;
        }
        var entries = Tables.Entries(reply.Json());
        Terminal.Out.Write(Tables.Events(entries));
        if (verb is not null)
        {
            Console.WriteLine($"{verb} on {parse.GetValue(ClientFlags.Extension)}.");
        }
    }

    private static string? Digit(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void AddIfGiven(Dictionary<string, string?> body, string field, string? value)
    {
        if (value is not null)
        {
            body[field] = value;
        }
    }
}
