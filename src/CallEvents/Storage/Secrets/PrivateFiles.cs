namespace CallEvents.Storage.Secrets;

/// <summary>
/// The data directory and what CallEvents keeps in it (the SQLite database and its -wal/-shm,
/// the self-signed HTTPS certificate, the secrets key, the Data Protection key ring) are for the
/// server's own user only: files 0600, directories 0700, from the moment they exist. A local
/// user, or a copy made with the directory's permissions, must not read the database (its
/// secrets are sealed, but accounts, hooks and the delivery log are not) nor the keys.
/// <para>
/// A data directory that exists already keeps its mode: it may be one the operator shares
/// (<c>.</c>, a home directory, <c>/tmp</c>), where a <c>chmod 700</c> would break others;
/// <c>serve</c> warns when other users may enter it (Hosting/Startup/SecretsGate.cs). The files
/// CallEvents keeps there are tightened to 0600 at start, so those of earlier versions
/// (created 0644) are private too. Nothing here applies on Windows, where ACLs decide.
/// </para>
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates the directory (and missing parents) 0700; an existing one is left as it is.</summary>
    public static void CreateDirectory(string path)
    {
        if (Directory.Exists(path))
        {
            return;
        }
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, DirectoryMode);
        }
    }

    /// <summary>A directory of CallEvents' own (inside the data directory): created, or tightened, to 0700.</summary>
    public static void CreateOwnDirectory(string path)
    {
        CreateDirectory(path);
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
        {
            File.SetUnixFileMode(path, DirectoryMode);
        }
    }

    /// <summary>Writes a file that must not exist yet, 0600 from its creation on; an IOException when it exists.</summary>
    public static void CreateNew(string path, ReadOnlySpan<byte> content)
    {
        using var stream = new FileStream(path, Options(System.IO.FileMode.CreateNew));
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Replaces a file's content, never exposing it: written 0600 beside it, then moved over it.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> content)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        CreateNew(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>An existing file that group or others may read or write is made 0600; a missing one is fine.</summary>
    public static void Tighten(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & GroupOrOthers) != 0)
        {
            File.SetUnixFileMode(path, FileMode);
        }
    }

    /// <summary>The mode as <c>ls</c> shows it in octal (e.g. 755), when group or others have any access; null when private.</summary>
    public static string? OpenToOthers(string path)
    {
        if (OperatingSystem.IsWindows() || !Path.Exists(path))
        {
            return null;
        }
        var mode = File.GetUnixFileMode(path);
        return (mode & GroupOrOthers) == 0 ? null : Convert.ToString((int)mode & 0x1FF, 8);
    }

    private static FileStreamOptions Options(System.IO.FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }
        return options;
    }
}
