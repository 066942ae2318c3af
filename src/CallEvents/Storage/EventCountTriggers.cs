using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallEvents.Storage;

/// <summary>
/// The database triggers that keep <c>extensions.event_count</c> equal to the number of the
/// extension's rows in <c>phone_call_events</c>, whoever writes them (the API, the command line,
/// an operator's SQL, a bulk delete) and in the writer's own transaction. The SQL is in the
/// migration that adds them (<c>EventCounts</c>, one per provider): on SQLite one trigger per
/// row, on PostgreSQL one per statement over its transition table, so that a bulk delete of
/// 100,000 events updates the extension once, not 100,000 times.
/// </summary>
public static class EventCountTriggers
{
    public const string Insert = "trg_phone_call_events_count_insert";
    public const string Delete = "trg_phone_call_events_count_delete";
    public const string Move = "trg_phone_call_events_count_move";

    /// <summary>Tells EF Core the table has triggers, so that its own writes to it stay correct.</summary>
    public static void Declare(TableBuilder table)
    {
        table.HasTrigger(Insert);
        table.HasTrigger(Delete);
        table.HasTrigger(Move);
    }
}
