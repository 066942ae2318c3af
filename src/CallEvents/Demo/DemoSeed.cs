namespace CallEvents.Demo;

/// <summary><c>Demo:Seed</c>: whether <c>serve</c> creates the demo tenant by itself.</summary>
public enum DemoSeed
{
    /// <summary>Only into an embedded SQLite database that this start has just created (the one-command first run); never on PostgreSQL.</summary>
    Auto,

    /// <summary>Never: the first accounts and apps come from <c>callevents demo</c> or <c>callevents accounts add …</c>.</summary>
    Never,
}
