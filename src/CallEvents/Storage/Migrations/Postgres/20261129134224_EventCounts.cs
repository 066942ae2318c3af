using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallEvents.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EventCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "event_count",
                table: "extensions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Added by hand (EF Core does not generate triggers): see Storage/EventCountTriggers.cs.
            // Per statement, over the transition table: a bulk delete or insert updates each
            // extension once.
            migrationBuilder.Sql("""
                UPDATE extensions e SET event_count = (SELECT count(*) FROM phone_call_events p WHERE p.extension_id = e.id);

                CREATE FUNCTION phone_call_events_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE extensions e SET event_count = e.event_count + n.added
                    FROM (SELECT extension_id, count(*) AS added FROM inserted GROUP BY extension_id) n
                    WHERE e.id = n.extension_id;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER trg_phone_call_events_count_insert AFTER INSERT ON phone_call_events
                    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION phone_call_events_count_insert();

                CREATE FUNCTION phone_call_events_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE extensions e SET event_count = e.event_count - d.removed
                    FROM (SELECT extension_id, count(*) AS removed FROM deleted GROUP BY extension_id) d
                    WHERE e.id = d.extension_id;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER trg_phone_call_events_count_delete AFTER DELETE ON phone_call_events
                    REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION phone_call_events_count_delete();

                CREATE FUNCTION phone_call_events_count_move() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE extensions SET event_count = event_count - 1 WHERE id = OLD.extension_id;
                    UPDATE extensions SET event_count = event_count + 1 WHERE id = NEW.extension_id;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER trg_phone_call_events_count_move AFTER UPDATE OF extension_id ON phone_call_events
                    FOR EACH ROW WHEN (OLD.extension_id IS DISTINCT FROM NEW.extension_id) EXECUTE FUNCTION phone_call_events_count_move();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER trg_phone_call_events_count_insert ON phone_call_events;
                DROP TRIGGER trg_phone_call_events_count_delete ON phone_call_events;
                DROP TRIGGER trg_phone_call_events_count_move ON phone_call_events;
                DROP FUNCTION phone_call_events_count_insert();
                DROP FUNCTION phone_call_events_count_delete();
                DROP FUNCTION phone_call_events_count_move();
                """);
            migrationBuilder.DropColumn(
                name: "event_count",
                table: "extensions");
        }
    }
}
