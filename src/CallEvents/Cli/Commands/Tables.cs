using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CallEvents.Cli.Commands;

/// <summary>The listings as tables: one row per entry, the wire's numbers with their names.</summary>
public static class Tables
{
    public static Table Events(IEnumerable<JsonElement> entries)
    {
        var table = New("type", "id", "method", "status", "url", "note", "modified");
        foreach (var entry in entries)
        {
            table.AddRow(Cells(
                WireNames.TypeName(Field(entry, "type")), Field(entry, "id"), WireNames.MethodName(Field(entry, "method")),
                WireNames.StatusName(Field(entry, "status")), Field(entry, "url"), Field(entry, "note"), Field(entry, "modified")));
        }
        return table;
    }

    public static Table Deliveries(IEnumerable<JsonElement> entries)
    {
        var table = New("attempted at", "delivery", "call", "event", "attempt", "http", "outcome", "latency ms", "error");
        foreach (var entry in entries)
        {
            table.AddRow(Cells(
                Field(entry, "attemptedAt"), Field(entry, "id"), Field(entry, "callId"), Field(entry, "event"), Field(entry, "attempt"),
                Field(entry, "httpStatus"), Field(entry, "outcome"), Field(entry, "latencyMs"), Field(entry, "error")));
        }
        return table;
    }

    public static Table Ids(IEnumerable<string> ids)
    {
        var table = New("id");
        foreach (var id in ids)
        {
            table.AddRow(Cells(id));
        }
        return table;
    }

    /// <summary>The entries of a UAPI collection, or of a success array.</summary>
    public static JsonElement[] Entries(JsonElement? json) => json switch
    {
        { ValueKind: JsonValueKind.Object } o when o.TryGetProperty("entry", out var entry) && entry.ValueKind == JsonValueKind.Array => [.. entry.EnumerateArray()],
        { ValueKind: JsonValueKind.Array } a => [.. a.EnumerateArray()],
        _ => [],
    };

    /// <summary>"2 of 57, from 20; next: --start-index 40" under a page of a collection.</summary>
    public static string PageLine(JsonElement? json, int shown, string noun)
    {
        if (json is not { ValueKind: JsonValueKind.Object } page)
        {
            return $"{shown} {noun}.";
        }
        var total = page.TryGetProperty("totalResults", out var t) && t.TryGetInt32(out var n) ? n : shown;
        var start = page.TryGetProperty("startIndex", out var s) && s.TryGetInt32(out var i) ? i : 0;
        var line = shown == 0 && total == 0 ? $"No {noun}." : $"{shown} of {total} {noun}" + (start > 0 ? $", from {start}." : ".");
        if (page.TryGetProperty("paging", out var paging) && paging.TryGetProperty("next", out _))
        {
            line += $" More: --start-index {start + shown}.";
        }
        return line;
    }

    public static string Field(JsonElement entry, string name) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.ToString()
            : "";

    private static Table New(params string[] columns)
    {
        var table = new Table { Border = Console.IsOutputRedirected ? TableBorder.Ascii : TableBorder.Rounded };
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }
        return table;
    }

    // Text, not markup: a note or a URL may hold '[' and ']'.
    private static IRenderable[] Cells(params string[] values) => [.. values.Select(v => new Text(v))];
}
