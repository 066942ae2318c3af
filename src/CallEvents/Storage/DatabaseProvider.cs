namespace CallEvents.Storage;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
