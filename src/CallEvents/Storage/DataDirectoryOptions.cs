using CallEvents.Hosting.Settings;

namespace CallEvents.Storage;

/// <summary>The top-level <c>DataDirectory</c> key; see docs/configuration.md.</summary>
public sealed class DataDirectoryOptions : ISettings
{
    public static string Section => "";

    /// <summary>SQLite database, self-signed certificate; relative to the working directory; empty means the default.</summary>
    public string DataDirectory { get; set; } = "data";

    public string FullPath => Path.GetFullPath(DataDirectory is { Length: > 0 } directory ? directory : "data");

    public void Check(SettingsCheck check)
    {
        string? full = null;
        try
        {
            full = FullPath;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            check.That(false, nameof(DataDirectory), "is not a valid path");
        }
        check.That(full is null || !File.Exists(full), nameof(DataDirectory), $"must be a directory; '{full}' is a file");
    }
}
