using System.Runtime.CompilerServices;
using CallEvents.Storage.Sqlite;

namespace CallEvents.Tests.Infrastructure;

/// <summary>
/// The test process configures SQLite as the server's process does (Storage/Sqlite/SqliteLibrary.cs)
/// before any test opens a connection: test classes open their own connections in parallel, and
/// SQLite takes its process-wide settings only before its first one.
/// </summary>
internal static class SqliteLibrarySetup
{
#pragma warning disable CA2255 // a test assembly's own start, the only place that runs before every test class
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Configure() => SqliteLibrary.Configure();
}
