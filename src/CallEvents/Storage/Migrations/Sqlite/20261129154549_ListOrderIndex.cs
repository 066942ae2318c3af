using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallEvents.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ListOrderIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_phone_call_events_extension_id_url",
                table: "phone_call_events");

            migrationBuilder.CreateIndex(
                name: "ix_phone_call_events_extension_id_url_id",
                table: "phone_call_events",
                columns: new[] { "extension_id", "url", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_phone_call_events_extension_id_url_id",
                table: "phone_call_events");

            migrationBuilder.CreateIndex(
                name: "ix_phone_call_events_extension_id_url",
                table: "phone_call_events",
                columns: new[] { "extension_id", "url" });
        }
    }
}
