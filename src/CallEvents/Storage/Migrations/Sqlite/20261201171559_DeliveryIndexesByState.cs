using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallEvents.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DeliveryIndexesByState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deliveries_event_id_call_id_state",
                table: "deliveries");

            migrationBuilder.DropIndex(
                name: "ix_deliveries_state_due_at",
                table: "deliveries");

            migrationBuilder.DropIndex(
                name: "ix_deliveries_state_finished_at",
                table: "deliveries");

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_event_id_call_id",
                table: "deliveries",
                columns: new[] { "event_id", "call_id" });

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_finished",
                table: "deliveries",
                column: "finished_at",
                filter: "state <> 0");

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_pending",
                table: "deliveries",
                columns: new[] { "due_at", "seq" },
                filter: "state = 0");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_deliveries_event_id_call_id",
                table: "deliveries");

            migrationBuilder.DropIndex(
                name: "ix_deliveries_finished",
                table: "deliveries");

            migrationBuilder.DropIndex(
                name: "ix_deliveries_pending",
                table: "deliveries");

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_event_id_call_id_state",
                table: "deliveries",
                columns: new[] { "event_id", "call_id", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_state_due_at",
                table: "deliveries",
                columns: new[] { "state", "due_at" });

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_state_finished_at",
                table: "deliveries",
                columns: new[] { "state", "finished_at" });
        }
    }
}
