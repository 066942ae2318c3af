using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallEvents.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeliveriesFillFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Nothing on SQLite: the PostgreSQL set's migration of this name gives deliveries a
            // fillfactor (Storage/PostgresCallEventsDb.cs). It is here so that both sets keep the
            // same history.
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
