using CallEvents.Hosting.Settings;

namespace CallEvents.Storage.Secrets;

/// <summary>The <c>Secrets</c> configuration section: where the key that seals secrets in the database is (<see cref="SecretsKeySource"/>).</summary>
public sealed class SecretsOptions : ISettings
{
    public static string Section => "Secrets";

    /// <summary>The key file; empty means <c>{DataDirectory}/secrets.key</c>. <c>CALLEVENTS_SECRETS_KEY</c>, when set, wins.</summary>
    public string? KeyFile { get; set; }

    public void Check(SettingsCheck check) =>
        check.That(KeyFile is null or { Length: 0 } || KeyFile.IndexOfAny(Path.GetInvalidPathChars()) < 0, nameof(KeyFile), $"must be a file path; it is '{KeyFile}'");
}
