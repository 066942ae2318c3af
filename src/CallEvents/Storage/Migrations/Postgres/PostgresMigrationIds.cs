// Written by eng/add-migration.sh from the [Migration] ids of this folder: do not edit.
namespace CallEvents.Storage.Migrations.Postgres;

/// <summary>This folder's migrations, in order (Storage/MigrationHistory.cs).</summary>
public static class PostgresMigrationIds
{
    public static readonly string[] All =
    [
        "20261129111420_Initial",
        "20261129134224_EventCounts",
        "20261129154555_ListOrderIndex",
        "20261201085352_SecretsAtRest",
        "20261201114919_AccountPasswords",
        "20261201120000_EventCountStripes",
        "20261201130934_DisabledEventsIndex",
        "20261201171751_DeliveryIndexesByState",
    ];
}
