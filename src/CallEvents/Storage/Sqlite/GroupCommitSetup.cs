namespace CallEvents.Storage.Sqlite;

public static class GroupCommitSetup
{
    /// <summary>First in the pipeline, so that every answer of a request that wrote waits for its flush.</summary>
    public static void UseGroupCommit(this IApplicationBuilder app)
    {
        var groupCommit = app.ApplicationServices.GetRequiredService<GroupCommit>();
        if (groupCommit.Enabled)
        {
            groupCommit.Arm();
            app.Use(groupCommit.InvokeAsync);
        }
    }
}
