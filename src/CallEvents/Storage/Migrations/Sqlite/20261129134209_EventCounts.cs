using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallEvents.Storage.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Added by hand (EF Core does not generate triggers): see Storage/EventCountTriggers.cs.
            migrationBuilder.Sql("""
                UPDATE extensions SET event_count = (SELECT count(*) FROM phone_call_events p WHERE p.extension_id = extensions.id);
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER trg_phone_call_events_count_insert AFTER INSERT ON phone_call_events
                BEGIN
                    UPDATE extensions SET event_count = event_count + 1 WHERE id = NEW.extension_id;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER trg_phone_call_events_count_delete AFTER DELETE ON phone_call_events
                BEGIN
                    UPDATE extensions SET event_count = event_count - 1 WHERE id = OLD.extension_id;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER trg_phone_call_events_count_move AFTER UPDATE OF extension_id ON phone_call_events
                WHEN NEW.extension_id <> OLD.extension_id
                BEGIN
                    UPDATE extensions SET event_count = event_count - 1 WHERE id = OLD.extension_id;
                    UPDATE extensions SET event_count = event_count + 1 WHERE id = NEW.extension_id;
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER trg_phone_call_events_count_insert;");
            migrationBuilder.Sql("DROP TRIGGER trg_phone_call_events_count_delete;");
            migrationBuilder.Sql("DROP TRIGGER trg_phone_call_events_count_move;");
            migrationBuilder.DropColumn(
                name: "event_count",
                table: "extensions");
        }
    }
}
