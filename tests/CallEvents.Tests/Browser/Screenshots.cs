namespace CallEvents.Tests.Browser;

/// <summary>Where the browser tests save their screenshots: a folder in the test output, kept after the run.</summary>
public static class Screenshots
{
    public static string Folder { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public static string PathFor(string name) => Path.Combine(Folder, name + ".png");
}
