using CallEvents.Storage.Secrets;
using CallEvents.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Secrets;

/// <summary>
/// ASP.NET Core Data Protection's key ring is kept where every node of a deployment finds it (the
/// database on PostgreSQL, the data directory on SQLite), sealed with the secrets key
/// (Storage/Secrets/SecretsSetup.cs): what one node protects, another one opens.
/// </summary>
public sealed class KeyRingTests
{
    [Fact]
    public async Task TheKeyRingIsSealedWhereEveryNodeFindsItAndWhatOneNodeProtectsAnotherOpens()
    {
        await using var host = await CallEventsHost.StartAsync();
        var payload = host.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key ring test").Protect("across nodes");

        var configuration = host.Services.GetRequiredService<IConfiguration>();
        string[] rings;
        string[] secondNode;
        if (TestDatabase.IsPostgres)
        {
            rings = [.. (await RawDatabase.RowsAsync(host, "SELECT xml FROM data_protection_keys")).Select(row => row[0]!)];
            // Another node: its own data directory, the same database and the same secrets key.
            secondNode = ["--Database:Provider=Postgres", $"--Database:ConnectionString={configuration["Database:ConnectionString"]}",
                $"--DataDirectory={Path.Combine(host.DataDirectory, "second-node")}", $"--Secrets:KeyFile={Path.Combine(host.DataDirectory, SecretsKeySource.DefaultFileName)}"];
        }
        else
        {
            rings = [.. Directory.GetFiles(Path.Combine(host.DataDirectory, SecretsSetup.KeyRingDirectoryName), "key-*.xml").Select(File.ReadAllText)];
            secondNode = ["--Database:Provider=Sqlite", $"--DataDirectory={host.DataDirectory}"]; // SQLite: one node, so another process on its data directory
        }
        Assert.NotEmpty(rings);
        Assert.All(rings, xml => Assert.Contains($"<{KeyRingEncryptor.ElementName}", xml, StringComparison.Ordinal));
        Assert.All(rings, xml => Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal));

        await using var second = Program.Build(Program.CreateBuilder(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. secondNode]));
        Assert.Equal("across nodes", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("key ring test").Unprotect(payload));
    }
}
