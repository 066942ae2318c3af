using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CallEvents.Cli.Client;
using CallEvents.Hosting;

namespace CallEvents.Cli.Commands;

/// <summary>
/// <c>callevents pce delete</c>: one event by --type and --id, or every event of a type, or every
/// event of the extension. A bulk delete shows what will go and asks first (or takes --yes);
/// the server deletes in one atomic request and answers with the ids that went, which are printed.
/// </summary>
public static class PceDeleteCommand
{
    private const int PageSize = 5000; // the UAPI's largest page

    public static Command Create()
    {
        var type = WireNames.TypeOption(required: false, "Only events of this type:");
        var id = new Option<string?>("--id") { Description = "Delete only this event (with --type)." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Delete without asking (a bulk delete asks first)." };
        var delete = new Command("delete", "Delete one phone call event (--type and --id), all of a type (--type), or all of the extension.") { ClientFlags.Extension, ClientFlags.User, type, id, yes };
        delete.WithExamples("callevents pce delete --extension 0003*210 --type 0 --id NqeyDRqo4FtabmFj8gNWq3hsiGNYyq", "callevents pce delete --extension 0003*210 --type dial-in", "callevents pce delete --extension 0003*210 --yes --json");
        delete.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(ClientFlags.Json);
            var eventType = parse.GetValue(type);
            var eventId = parse.GetValue(id);
            if (eventId is not null && eventType is null)
            {
                throw CommandException.Usage("--id needs --type: an event is named by its type and its id.");
            }
            using var client = await ClientFlags.ConnectAsync(parse, ct);
            var extension = parse.GetValue(ClientFlags.Extension)!;
            if (eventId is null)
            {
                var going = await ListAllAsync(client, PceCommands.Path(parse, eventType), ct);
                var what = (eventType is null ? "phone call events" : $"phone call events of type {WireNames.TypeName(eventType.ToString())}") + $" on {extension}";
                if (going.Count == 0)
                {
                    Print(json, "[]", $"No {what}: nothing to delete.");
                    return ExitCodes.Ok;
                }
                if (!json)
                {
                    Terminal.Out.Write(Tables.Events(going));
                }
                if (!parse.GetValue(yes))
                {
                    if (json || !Terminal.CanAsk)
                    {
                        throw CommandException.Usage($"This deletes {going.Count} {what}: pass --yes to confirm (there is no terminal to ask on).");
                    }
                    if (!Terminal.Confirm($"Delete these {going.Count} {what}?"))
                    {
                        Console.WriteLine("Nothing deleted.");
                        return ExitCodes.Failed;
                    }
                }
            }
            var path = PceCommands.Path(parse, eventType, eventId);
            var reply = await Terminal.WithStatusAsync("Deleting…", () => client.SendAsync(HttpMethod.Delete, path, null, ct));
            var ids = Tables.Entries(reply.Json()).Select(e => Tables.Field(e, "id")).ToArray();
            if (json)
            {
                ClientFlags.PrintJson(reply);
            }
            else
            {
                Console.WriteLine(ids.Length == 0 ? "Nothing was deleted." : $"Deleted {ids.Length} on {extension}: {string.Join(", ", ids)}");
            }
            return ExitCodes.Ok;
        });
        return delete.WithConnection();
    }

    /// <summary>Every event the bulk delete would remove, page by page (the UAPI's largest page is 5000).</summary>
    private static async Task<List<JsonElement>> ListAllAsync(UapiClient client, string path, CancellationToken cancellationToken)
    {
        var all = new List<JsonElement>();
        for (var start = 0; start <= PageSize; start += PageSize)
        {
            var reply = await client.GetAsync($"{path}?count={PageSize}&startIndex={start.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
            var page = Tables.Entries(reply.Json());
            all.AddRange(page);
            if (page.Length < PageSize)
            {
                break;
            }
        }
        return all;
    }

    private static void Print(bool json, string document, string text) => Console.WriteLine(json ? document : text);
}
