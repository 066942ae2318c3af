using System.Text.Json;
using CallEvents.Hosting;

namespace CallEvents.Cli.Client;

/// <summary>
/// The profile on disk: <c>$XDG_CONFIG_HOME/callevents/profile.json</c>, else
/// <c>~/.config/callevents/profile.json</c>. It holds a client secret, so it is written readable
/// by its owner only (0600, in a 0700 directory), and replaced whole so a reader never sees half of it.
/// </summary>
public static class ProfileFile
{
    private static readonly JsonSerializerOptions Format = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Path
    {
        get
        {
            var config = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg && System.IO.Path.IsPathRooted(xdg)
                ? xdg
                : OperatingSystem.IsWindows()
                    ? Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData)
                    : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return System.IO.Path.Combine(config, "callevents", "profile.json");
        }
    }

    /// <summary>The saved profile, or null when there is none.</summary>
    public static Profile? Read()
    {
        var path = Path;
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var profile = JsonSerializer.Deserialize<Profile>(File.ReadAllText(path), Format);
            if (profile is { Server.Length: > 0, ClientId.Length: > 0, ClientSecret.Length: > 0 })
            {
                return profile;
            }
        }
        catch (JsonException)
        {
            // reported below, as a profile that is not one
        }
        throw CommandException.Usage($"The profile {path} is not one `callevents login` wrote: run `callevents login` again, or `callevents logout` to remove it.");
    }

    public static void Write(Profile profile)
    {
        var path = Path;
        var directory = System.IO.Path.GetDirectoryName(path)!;
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(temporary, JsonSerializer.Serialize(profile, Format));
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, profile, Format);
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Removes the profile; false when there was none.</summary>
    public static bool Delete()
    {
        var path = Path;
        if (!File.Exists(path))
        {
            return false;
        }
        File.Delete(path);
        return true;
    }
}
