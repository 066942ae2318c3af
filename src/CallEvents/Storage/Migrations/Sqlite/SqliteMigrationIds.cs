// Written by eng/add-migration.sh from the [Migration] ids of this folder: do not edit.
namespace CallEvents.Storage.Migrations.Sqlite;

/// <summary>This folder's migrations, in order (Storage/MigrationHistory.cs).</summary>
public static class SqliteMigrationIds
{
    public static readonly string[] All =
    [
        "20261129111402_Initial",
        "20261129134209_EventCounts",
        "20261129154549_ListOrderIndex",
        "20261201085215_SecretsAtRest",
        "20261201114723_AccountPasswords",
        "20261201130856_DisabledEventsIndex",
        "20261201171559_DeliveryIndexesByState",
    ];
}
