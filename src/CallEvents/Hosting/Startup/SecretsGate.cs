using CallEvents.OAuth.Tokens;
using CallEvents.Storage;
using CallEvents.Storage.Secrets;
using CallEvents.Storage.Sql;
using CallEvents.Storage.Sqlite;

namespace CallEvents.Hosting.Startup;

/// <summary>
/// Decides, after the schema and before serving, whether this node holds the key the database's
/// secrets are sealed with (Storage/Secrets/SecretsKey.cs). A missing, malformed or wrong key is
/// one line and exit code 2, never a new key made over the sealed ones: a node given the wrong
/// key must not start signing tokens the others refuse. <c>serve</c> then seals what an earlier
/// version stored in the clear and opens (or, on a new database, makes) the token signing key,
/// so a node that lost the race to make it, with another key, is refused here too rather than
/// at its first token. CLI commands only check: they write nothing they were not asked to.
/// </summary>
public static class SecretsGate
{
    public static async Task<string?> CheckAsync(IServiceProvider services, bool serving, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            var key = services.GetRequiredService<SecretsKey>();
            key.Load();
            await SealedValues.VerifyAsync(services.GetRequiredService<PreparedSql>(), key, cancellationToken);
            if (!serving)
            {
                return null;
            }
            using var scope = services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
            var sealedCount = await SealedValues.SealPlaintextAsync(db, key, services.GetRequiredService<WriteGate>(), cancellationToken);
            if (sealedCount > 0)
            {
                logger.LogInformation("Sealed {Count} secrets an earlier version stored in plain text.", sealedCount);
            }
            services.GetRequiredService<SigningKeys>();
            WarnAboutOpenFiles(services.GetRequiredService<IConfiguration>(), logger);
            return null;
        }
        catch (SecretsKeyException e)
        {
            return e.Message;
        }
        catch (Exception e) when (DatabaseFaults.IsUnavailable(e))
        {
            return $"The database could not be reached: {e.GetBaseException().Message}";
        }
    }

    /// <summary>What CallEvents does not change itself (PrivateFiles.cs): a shared data directory, an operator's key file.</summary>
    private static void WarnAboutOpenFiles(IConfiguration configuration, ILogger logger)
    {
        var directory = StorageSetup.DataDirectory(configuration);
        if (PrivateFiles.OpenToOthers(directory) is { } mode)
        {
            logger.LogWarning("The data directory {Directory} is open to other users (mode {Mode}); the files CallEvents keeps there are private (0600), but make the directory 0700 (chmod 700) unless it is shared on purpose.",
                directory, mode);
        }
        var keyFile = SecretsKeySource.FilePath(configuration);
        if (configuration[SecretsKeySource.Variable] is not { Length: > 0 } && PrivateFiles.OpenToOthers(keyFile) is { } keyMode)
        {
            logger.LogWarning("The secrets key file {Path} is open to other users (mode {Mode}): whoever reads it and the database can sign tokens; chmod 600 it.", keyFile, keyMode);
        }
    }
}
