namespace CallEvents.Tests.Infrastructure;

/// <summary>Files of this repository (docs, committed documents), found from the test's output directory.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CallEvents.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CallEvents.slnx not found above " + AppContext.BaseDirectory);
    }
}
