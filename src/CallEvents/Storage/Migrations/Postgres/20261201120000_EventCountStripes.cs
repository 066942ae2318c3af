using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallEvents.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EventCountStripes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Written by hand (no model change): see Storage/EventCountTriggers.cs. An extension's
            // count becomes extensions.event_count (what it was until now, kept as the base) plus
            // its rows here, one per stripe: a writer adds to the stripe of its own session
            // (pg_backend_pid() % 16), so concurrent writers to one extension no longer queue on
            // one row until each commits. Rows are added in extension order, so two statements
            // that touch several extensions take the stripes in the same order.
            migrationBuilder.Sql("""
                CREATE TABLE extension_event_counts (
                    extension_id bigint NOT NULL REFERENCES extensions (id) ON DELETE CASCADE,
                    stripe integer NOT NULL,
                    events integer NOT NULL,
                    CONSTRAINT pk_extension_event_counts PRIMARY KEY (extension_id, stripe));

                CREATE OR REPLACE FUNCTION phone_call_events_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO extension_event_counts AS c (extension_id, stripe, events)
                    SELECT extension_id, pg_backend_pid() % 16, count(*) FROM inserted GROUP BY extension_id ORDER BY extension_id
                    ON CONFLICT (extension_id, stripe) DO UPDATE SET events = c.events + excluded.events;
                    RETURN NULL;
                END $$;

                CREATE OR REPLACE FUNCTION phone_call_events_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO extension_event_counts AS c (extension_id, stripe, events)
                    SELECT d.extension_id, pg_backend_pid() % 16, -count(*)
                    FROM deleted d JOIN extensions e ON e.id = d.extension_id GROUP BY d.extension_id ORDER BY d.extension_id
                    ON CONFLICT (extension_id, stripe) DO UPDATE SET events = c.events + excluded.events;
                    RETURN NULL;
                END $$;

                CREATE OR REPLACE FUNCTION phone_call_events_count_move() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO extension_event_counts AS c (extension_id, stripe, events)
                    SELECT id, pg_backend_pid() % 16, CASE WHEN id = OLD.extension_id THEN -1 ELSE 1 END
                    FROM extensions WHERE id IN (OLD.extension_id, NEW.extension_id) ORDER BY id
                    ON CONFLICT (extension_id, stripe) DO UPDATE SET events = c.events + excluded.events;
                    RETURN NULL;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                UPDATE extensions e SET event_count = e.event_count + s.events
                FROM (SELECT extension_id, sum(events) AS events FROM extension_event_counts GROUP BY extension_id) s
                WHERE e.id = s.extension_id;
                DROP TABLE extension_event_counts;

                CREATE OR REPLACE FUNCTION phone_call_events_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE extensions e SET event_count = e.event_count + n.added
                    FROM (SELECT extension_id, count(*) AS added FROM inserted GROUP BY extension_id) n
                    WHERE e.id = n.extension_id;
                    RETURN NULL;
                END $$;

                CREATE OR REPLACE FUNCTION phone_call_events_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE extensions e SET event_count = e.event_count - d.removed
                    FROM (SELECT extension_id, count(*) AS removed FROM deleted GROUP BY extension_id) d
                    WHERE e.id = d.extension_id;
                    RETURN NULL;
                END $$;

                CREATE OR REPLACE FUNCTION phone_call_events_count_move() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE extensions SET event_count = event_count - 1 WHERE id = OLD.extension_id;
                    UPDATE extensions SET event_count = event_count + 1 WHERE id = NEW.extension_id;
                    RETURN NULL;
                END $$;
                """);
        }
    }
}
