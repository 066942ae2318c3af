using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CallEvents.Storage;

/// <summary>
/// The database triggers that keep an extension's event count (<see cref="CountSql"/>) equal to
/// the number of its rows in <c>phone_call_events</c>, whoever writes them (the API, the command
/// line, an operator's SQL, a bulk delete) and in the writer's own transaction. The SQL is in the
/// migrations that add them (<c>EventCounts</c>, one per provider; <c>EventCountStripes</c> on
/// PostgreSQL): on SQLite one trigger per row, on PostgreSQL one per statement over its
/// transition table, so that a bulk delete of 100,000 events updates the extension once, not
/// 100,000 times.
///
/// On SQLite the count is <c>extensions.event_count</c> (writes run one at a time anyway). On
/// PostgreSQL it is that column plus the extension's rows in <c>extension_event_counts</c>, one
/// per stripe: a writer adds to the stripe of its session (<c>pg_backend_pid() % </c><see cref="Stripes"/>),
/// and a row it changed stays locked until it commits, so with one row per extension every write
/// to one extension waited for the one before it to commit (a WAL flush each: bench/README.md,
/// PostgreSQL); with stripes, writers on different sessions do not wait for each other. How the
/// per-extension limit is still kept exactly: <c>PhoneCallEvents/Handlers/CreatePhoneCallEvent.cs</c>.
/// </summary>
public static class EventCountTriggers
{
    /// <summary>PostgreSQL's stripes per extension: the number in the <c>EventCountStripes</c> migration's SQL (fixed there).</summary>
    public const int Stripes = 16;

    /// <summary>The event count of the extension row aliased <paramref name="alias"/>, as an integer SQL expression.</summary>
    public static string CountSql(string alias, bool postgres) => postgres
        ? $"({alias}.event_count + COALESCE((SELECT sum(c.events) FROM extension_event_counts c WHERE c.extension_id = {alias}.id), 0))::integer"
        : $"{alias}.event_count";

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
