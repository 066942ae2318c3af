using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CallEvents.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DeliveriesFillFactor : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "deliveries")
                .Annotation("Npgsql:StorageParameter:fillfactor", 50);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "deliveries")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 50);
        }
    }
}
