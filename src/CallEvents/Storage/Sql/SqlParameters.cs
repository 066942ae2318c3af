using System.Data;
using System.Data.Common;
using System.Globalization;

namespace CallEvents.Storage.Sql;

/// <summary>
/// The one way hand-written SQL binds its values, on <see cref="PreparedSql"/>'s connections and
/// on EF Core's alike.
///
/// When a path uses hand-written SQL, and when EF Core: EF Core (LINQ, <c>ExecuteUpdate</c>,
/// <c>ExecuteDelete</c>, <c>SaveChanges</c>) is the default, and every path not named here uses
/// it. A statement is written by hand only when (1) EF Core cannot express it: <c>UPDATE …
/// RETURNING</c> the rows it changed (the queue claim, the sweep of disabled events),
/// <c>UPDATE … FROM (VALUES …)</c> (the attempt recorder), <c>FOR UPDATE SKIP LOCKED</c>,
/// SQLite's <c>+column</c> index hint, a multi-row <c>INSERT</c> whose row order numbers
/// <c>seq</c> (intake); or (2) a profile under bench/run.sh put EF Core's per-query cost on a
/// request's hot path (the extension check, list, get, create, update, delete, the token request's
/// client lookup: bench/README.md); or (3) a profile of a CLI command put compiling EF Core's
/// first query at most of the command (`apps add`: <see cref="UnitOfWorkReads"/>).
/// The statement then runs on <see cref="PreparedSql"/>'s connections (statements stay prepared;
/// writes go through <see cref="WriteBatches"/>, a unit of several statements, such as the
/// intake's or the attempt recorder's, with <see cref="WriteBatches.RunUnitAsync{T}"/>), or, for
/// a read inside a unit of work that has a <see cref="CallEventsDb"/> transaction (the CLI's and
/// the console's), as a command on the context's connection in that transaction
/// (<see cref="UnitOfWorkReads"/>). Its text is the same on SQLite and
/// PostgreSQL (a provider's difference is a small branch, like SKIP LOCKED), and its values are
/// bound here.
///
/// Every name carries its <c>@</c>: Microsoft.Data.Sqlite looks an unprefixed name up once as
/// given and once per prefix (<c>@</c>, <c>$</c>, <c>:</c>), and SQLite finds a name by a linear
/// search of the statement's names, so a big statement paid that four times per value
/// (strncmp in the profile). A value is typed where the statement does not give a NULL its
/// type (inside <c>VALUES</c>, PostgreSQL has no column to infer it from); elsewhere the
/// provider infers it from the value.
/// </summary>
internal static class SqlParameters
{
    private static readonly string[] PositionalNames =
        [.. Enumerable.Range(0, 16).Select(i => "@p" + i.ToString(CultureInfo.InvariantCulture))];

    /// <summary>The name of the <paramref name="index"/>th positional parameter: <c>@p0</c>, <c>@p1</c>, ….</summary>
    public static string Positional(int index) =>
        index < PositionalNames.Length ? PositionalNames[index] : "@p" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Binds <paramref name="values"/> to <c>@p0</c>, <c>@p1</c>, … in order. A command executed
    /// again (a prepared one) keeps its parameter objects when their number has not changed.
    /// </summary>
    public static void BindPositional(this DbCommand command, ReadOnlySpan<object?> values)
    {
        var parameters = command.Parameters;
        if (parameters.Count != values.Length)
        {
            parameters.Clear();
            for (var i = 0; i < values.Length; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = Positional(i);
                parameters.Add(parameter);
            }
        }
        for (var i = 0; i < values.Length; i++)
        {
            parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    /// <summary>Adds <paramref name="name"/> (with its <c>@</c>); the provider infers the type from the value.</summary>
    public static void AddParameter(this DbCommand command, string name, object? value) =>
        command.Parameters.Add(New(command, name, null, value));

    /// <summary>Adds <paramref name="name"/> (with its <c>@</c>) as <paramref name="type"/>: for a value that may be NULL where the statement does not type it.</summary>
    public static void AddParameter(this DbCommand command, string name, DbType type, object? value) =>
        command.Parameters.Add(New(command, name, type, value));

    private static DbParameter New(DbCommand command, string name, DbType? type, object? value)
    {
        if (!name.StartsWith('@'))
        {
            throw new ArgumentException($"A parameter's name carries its '@': '{name}'.", nameof(name));
        }
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        if (type is { } dbType)
        {
            parameter.DbType = dbType;
        }
        parameter.Value = value ?? DBNull.Value;
        return parameter;
    }
}
