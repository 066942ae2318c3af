using CallEvents.Hosting.Settings;

namespace CallEvents.Storage.Secrets;

/// <summary>
/// Where the <see cref="SecretsKey"/> comes from, in this order: the environment variable
/// <c>CALLEVENTS_SECRETS_KEY</c> (base64 of 32 bytes; what several nodes sharing one PostgreSQL
/// are given, or a secret store injects), else the file <c>Secrets:KeyFile</c> (default
/// <c>{DataDirectory}/secrets.key</c>: 32 bytes, or their base64 on one line). When neither
/// exists, a new key file is made (32 random bytes, 0600), but only while the database holds no
/// sealed value: a new key would not open those, so then the start is refused instead.
/// </summary>
public static class SecretsKeySource
{
    public const string Variable = "CALLEVENTS_SECRETS_KEY";
    public const string FileKey = "Secrets:KeyFile";
    public const string DefaultFileName = "secrets.key";

    /// <summary>The key file's path (whether or not it is used, or exists).</summary>
    public static string FilePath(IConfiguration configuration) =>
        Path.GetFullPath(SettingsReader.Read<SecretsOptions>(configuration).KeyFile is { Length: > 0 } path
            ? path
            : Path.Combine(StorageSetup.DataDirectory(configuration), DefaultFileName));

    /// <summary>What the operator would look at: the variable's name, or the file's path.</summary>
    public static string Describe(IConfiguration configuration) =>
        configuration[Variable] is { Length: > 0 } ? Variable : FilePath(configuration);

    /// <summary>The key; <paramref name="holdsSealedValues"/> is asked only when a key file is to be made.</summary>
    public static byte[] Read(IConfiguration configuration, Func<bool> holdsSealedValues)
    {
        // Read through the configuration, where every environment variable is too.
        if (configuration[Variable] is { Length: > 0 } encoded)
        {
            return Decode(encoded) ?? throw new SecretsKeyException($"{Variable} is not the base64 of {SecretsKey.Length} bytes.");
        }
        var path = FilePath(configuration);
        if (!File.Exists(path))
        {
            if (holdsSealedValues())
            {
                throw new SecretsKeyException(
                    $"The secrets key file {path} does not exist (nor is {Variable} set), but the database holds secrets sealed with a key: restore that key file (or set {Variable}); a new key would not open them.");
            }
            Create(path);
        }
        if (IsInDataDirectory(configuration, path))
        {
            PrivateFiles.Tighten(path); // ours: one copied in with a loose mode is made private
        }
        var bytes = File.ReadAllBytes(path);
        return bytes.Length == SecretsKey.Length
            ? bytes
            : Decode(System.Text.Encoding.ASCII.GetString(bytes)) ?? throw new SecretsKeyException(
                $"The secrets key file {path} holds neither {SecretsKey.Length} bytes nor their base64.");
    }

    /// <summary>Whether <paramref name="path"/> is CallEvents' own, inside the data directory, rather than one the operator placed.</summary>
    public static bool IsInDataDirectory(IConfiguration configuration, string path) =>
        string.Equals(Path.GetDirectoryName(path), StorageSetup.DataDirectory(configuration), StringComparison.Ordinal);

    private static void Create(string path)
    {
        PrivateFiles.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(SecretsKey.Length);
        try
        {
            PrivateFiles.CreateNew(path, key);
        }
        catch (IOException) when (File.Exists(path))
        {
            // another process (a CLI command, a second server) made it first: that one is the key
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[]? Decode(string text)
    {
        var buffer = new byte[SecretsKey.Length + 3];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) && written == SecretsKey.Length ? buffer[..written] : null;
    }
}
