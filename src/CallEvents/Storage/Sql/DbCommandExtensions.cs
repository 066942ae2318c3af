using System.Data.Common;

namespace CallEvents.Storage.Sql;

/// <summary>
/// For the few statements written by hand (DELETE/UPDATE … RETURNING, the queue claim):
/// provider-neutral parameters, so the same SQL text runs on SQLite and PostgreSQL.
/// </summary>
internal static class DbCommandExtensions
{
    public static void AddParameter(this DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
