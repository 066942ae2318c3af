namespace CallEvents.Storage.Sql;

/// <summary>
/// How a prepared statement's LIMIT takes its value from a parameter, on both providers.
/// Not as a bare parameter: the bundled SQLite (3.53) reads a bare LIMIT parameter's bound value
/// while it plans, and marks the plan as depending on it, so that every later binding of that
/// parameter, even to the same value, has the next step prepare the whole statement again: the
/// list's page statement was parsed and planned anew on every request (a probe on
/// <c>sqlite3Reprepare</c> under the list load: one per request; bench/README.md, UAPI on SQLite
/// (session 12)). Cast, the value is an expression the planner does not look into, the plan is
/// made once, and its order is the index's (QueryPlanTests). On PostgreSQL the cast is the
/// same LIMIT: a custom plan folds it to the value, a generic one estimates it as it did the
/// parameter.
/// </summary>
internal static class SqlLimit
{
    /// <summary>The expression to write after LIMIT for <paramref name="parameter"/> (its name with its <c>@</c>).</summary>
    public static string Of(string parameter) => $"CAST({parameter} AS INTEGER)";
}
