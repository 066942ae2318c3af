using System.CommandLine;
using System.Globalization;
using CallEvents.Hosting;

namespace CallEvents.Cli.Commands;

/// <summary><c>callevents pce list</c>: one page of an extension's phone call events, with the UAPI's paging, filter and order.</summary>
public static class PceListCommand
{
    public static Command List()
    {
        var type = WireNames.TypeOption(required: false, "Only events of this type:");
        var count = new Option<int?>("--count") { Description = "Events per page, 1-5000 (default 20)." };
        var startIndex = new Option<int?>("--start-index") { Description = "Skip this many events (default 0): the next page starts where the footer says." };
        var filterBy = new Option<string?>("--filter-by") { Description = "Filter on a field: id, type, method, url, status, note, modified." };
        var filterOp = new Option<string?>("--filter-op") { Description = "contains (the default), equals, startsWith or present." };
        filterOp.AcceptOnlyFromAmong("contains", "equals", "startsWith", "present");
        var filterValue = new Option<string?>("--filter-value") { Description = "The value to filter with." };
        var sort = new Option<string?>("--sort") { Description = "By URL: ascending (the default) or descending." };
        sort.AcceptOnlyFromAmong("ascending", "descending");
        var list = new Command("list", "List the phone call events of an extension, a page at a time.") { ClientFlags.Extension, ClientFlags.User, type, count, startIndex, filterBy, filterOp, filterValue, sort };
        list.WithExamples("callevents pce list --extension 0003*210", "callevents pce list --extension 0003*210 --type hangup --filter-by url --filter-value crm --sort descending", "callevents pce list --extension 0003*210 --count 50 --start-index 50 --json");
        list.SetAction(async (parse, ct) =>
        {
            var query = new List<KeyValuePair<string, string?>>();
            void Add(string name, string? value)
            {
                if (value is not null)
                {
                    query.Add(new(name, value));
                }
            }
            Add("count", parse.GetValue(count)?.ToString(CultureInfo.InvariantCulture));
            Add("startIndex", parse.GetValue(startIndex)?.ToString(CultureInfo.InvariantCulture));
            Add("filterBy", parse.GetValue(filterBy));
            Add("filterOp", parse.GetValue(filterOp));
            Add("filterValue", parse.GetValue(filterValue));
            Add("sortOrder", parse.GetValue(sort));
            using var client = await ClientFlags.ConnectAsync(parse, ct);
            var reply = await client.GetAsync(PceCommands.Path(parse, parse.GetValue(type)) + QueryString.Create(query), ct);
            if (parse.GetValue(ClientFlags.Json))
            {
                ClientFlags.PrintJson(reply);
                return ExitCodes.Ok;
            }
            var json = reply.Json();
            var entries = Tables.Entries(json);
            if (entries.Length > 0)
            {
                Terminal.Out.Write(Tables.Events(entries));
            }
            Console.WriteLine(Tables.PageLine(json, entries.Length, "phone call events on " + parse.GetValue(ClientFlags.Extension)));
            return ExitCodes.Ok;
        });
        return list.WithConnection();
    }
}
