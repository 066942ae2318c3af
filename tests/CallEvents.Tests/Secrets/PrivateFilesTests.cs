using System.Runtime.Versioning;
using CallEvents.Hosting;
using CallEvents.Storage.Secrets;
using CallEvents.Tests.Infrastructure;
using CallEvents.Tests.ScaleOut;

namespace CallEvents.Tests.Secrets;

/// <summary>
/// What CallEvents keeps on disk is for its own user only (Storage/Secrets/PrivateFiles.cs):
/// directories 0700, files 0600, the SQLite -wal/-shm that SQLite makes itself included; a data
/// directory that exists already keeps its mode, with a warning, and the files in it are made
/// private. The Data Protection key ring is kept in the data directory, sealed, and no Data
/// Protection warning is printed at start. A real <c>serve</c> process.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class PrivateFilesTests
{
    private const UnixFileMode Private = PrivateFiles.FileMode;
    private const UnixFileMode PrivateDirectory = PrivateFiles.DirectoryMode;

    [UnixFact]
    public async Task AFirstRunMakesTheDataDirectoryAndEverythingCallEventsKeepsInItPrivate()
    {
        var root = NewRoot();
        var data = Path.Combine(root, "data"); // not there yet: serve makes it
        await using var node = await ServeAsync(root, data);

        var ring = Path.Combine(data, SecretsSetup.KeyRingDirectoryName);
        var ringKey = await KeyRingFileAsync(ring);
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(data));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(ring));
        foreach (var file in new[] { "callevents.db", "callevents.db-wal", "callevents.db-shm", SecretsKeySource.DefaultFileName })
        {
            var path = Path.Combine(data, file);
            Assert.True(File.Exists(path), $"{file} is missing");
            Assert.True(File.GetUnixFileMode(path) == Private, $"{file} is {File.GetUnixFileMode(path)}");
        }
        Assert.Equal(Private, File.GetUnixFileMode(ringKey));
        Assert.Equal([], Directory.GetFileSystemEntries(data).Where(entry => File.GetUnixFileMode(entry) is not (Private or PrivateDirectory)));
    }

    [UnixFact]
    public async Task ServeStartsWithoutADataProtectionWarningAndItsKeyRingIsSealedInTheDataDirectory()
    {
        var root = NewRoot();
        var data = Path.Combine(root, "data");
        var ring = Path.Combine(data, SecretsSetup.KeyRingDirectoryName);
        string ringKey;
        await using (var node = await ServeAsync(root, data))
        {
            ringKey = await KeyRingFileAsync(ring);
            var xml = await File.ReadAllTextAsync(ringKey);
            Assert.Contains($"<{KeyRingEncryptor.ElementName}", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("DataProtection", node.Output, StringComparison.Ordinal); // neither warning nor error from it
        }

        // The next start reads (opens) the ring it left, rather than failing on it and making another key.
        await using (var again = await ServeAsync(root, data))
        {
            Assert.Equal(ringKey, await KeyRingFileAsync(ring));
            Assert.DoesNotContain("DataProtection", again.Output, StringComparison.Ordinal);
        }
        Assert.Equal([ringKey], Directory.GetFiles(ring));
        Assert.False(Directory.Exists(Path.Combine(root, "home", ".aspnet")), "the key ring went to the home directory");
    }

    [UnixFact]
    public async Task AnExistingDataDirectoryOpenToOthersIsKeptWithAWarningAndTheFilesInItAreMadePrivate()
    {
        var root = NewRoot();
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, PrivateDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var database = Path.Combine(data, "callevents.db");
        await File.WriteAllBytesAsync(database, []); // as an earlier version created it: 0644
        File.SetUnixFileMode(database, Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var node = await ServeAsync(root, data);

        Assert.Contains($"The data directory {data} is open to other users (mode 755)", node.Output, StringComparison.Ordinal);
        Assert.Equal("755", PrivateFiles.OpenToOthers(data));
        foreach (var file in new[] { "callevents.db", "callevents.db-wal", "callevents.db-shm" })
        {
            Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(data, file)));
        }
    }

    [UnixFact]
    public void TheSelfSignedCertificateIsWrittenPrivateAndOneLeftOpenIsMadePrivate()
    {
        var data = Path.Combine(NewRoot(), "data");
        using (HttpsCertificate.LoadOrCreate(data))
        {
        }
        var path = Path.Combine(data, "https-selfsigned.pfx");
        Assert.Equal(Private, File.GetUnixFileMode(path));
        Assert.Equal(PrivateDirectory, File.GetUnixFileMode(data));

        File.SetUnixFileMode(path, Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using (HttpsCertificate.LoadOrCreate(data))
        {
        }
        Assert.Equal(Private, File.GetUnixFileMode(path));
    }

    private static string NewRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "callevents-tests", "private-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(root, "home"));
        return root;
    }

    /// <summary>
    /// <c>serve</c> on <paramref name="data"/>, with an empty home directory: where Data Protection
    /// would keep its ring, in the clear and with a warning, were it not configured.
    /// </summary>
    private static Task<NodeProcess> ServeAsync(string root, string data) =>
        NodeProcess.ServeAsync("private", root, [$"--DataDirectory={data}"], migrate: false,
            environment: new Dictionary<string, string?> { ["HOME"] = Path.Combine(root, "home") });

    /// <summary>The ring's key file, made by Data Protection once the node serves (a bounded wait).</summary>
    private static async Task<string> KeyRingFileAsync(string ring)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (Directory.Exists(ring) && Directory.GetFiles(ring, "key-*.xml") is [var key, ..])
            {
                return key;
            }
            await Task.Delay(200);
        }
        throw new Xunit.Sdk.XunitException($"no key ring file in {ring} within 10 s");
    }
}
