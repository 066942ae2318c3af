using System.Data.Common;

namespace CallEvents.Storage.Sql;

public sealed partial class PreparedSql
{
    /// <summary>One unit of work's connection. Commands from <see cref="Command(string, ReadOnlySpan{object})"/> belong to it: do not dispose them.</summary>
    public sealed class Lease : IAsyncDisposable
    {
        private readonly PreparedSql _owner;
        private readonly SqliteSession? _session;
        private readonly List<DbCommand>? _ownCommands;
        private readonly bool _isWriter;
        private bool _failed;

        internal Lease(PreparedSql owner, DbConnection connection, object? session, bool isWriter = false)
        {
            _owner = owner;
            _isWriter = isWriter;
            Connection = connection;
            _session = session as SqliteSession;
            _ownCommands = _session is null ? [] : null;
        }

        private DbTransaction? _transaction;

        public DbConnection Connection { get; }

        public bool IsPostgres => _session is null;

        /// <summary>The command for this SQL with its parameters bound: prepared once per connection on SQLite.</summary>
        public DbCommand Command(string sql, params ReadOnlySpan<object?> values)
        {
            var command = Command(sql, static _ => { });
            command.BindPositional(values);
            return command;
        }

        /// <summary>
        /// The command for this SQL, its parameters added by <paramref name="addParameters"/> when
        /// it is made (named, typed where a NULL needs its type), values left to the caller: on
        /// SQLite made and prepared once per connection, and the same command (its parameters
        /// with the values last bound) is returned for the same text after.
        /// </summary>
        public DbCommand Command(string sql, Action<DbCommand> addParameters)
        {
            DbCommand command;
            if (_session is not null)
            {
                if (!_session.Commands.TryGetValue(sql, out var cached))
                {
                    cached = _session.Connection.CreateCommand();
                    cached.CommandText = sql;
                    addParameters(cached);
                    _session.Commands[sql] = cached;
                }
                command = cached;
                // SQLite's transactions here are statements (WriteBatches: BEGIN, COMMIT, ROLLBACK), which
                // Microsoft.Data.Sqlite does not track: a command names none.
                command.Transaction = null;
            }
            else
            {
                command = Connection.CreateCommand();
                command.CommandText = sql;
                command.Transaction = _transaction;
                addParameters(command);
                _ownCommands!.Add(command);
            }
            return command;
        }

        /// <summary>PostgreSQL: begins the transaction that every command made after it runs in (<see cref="WriteBatches.RunUnitAsync"/>).</summary>
        internal async ValueTask BeginAsync() => _transaction = await Connection.BeginTransactionAsync(CancellationToken.None);

        /// <summary>Commits what <see cref="BeginAsync"/> began; disposing the lease without it rolls the transaction back.</summary>
        internal Task CommitAsync() => _transaction!.CommitAsync(CancellationToken.None);

        /// <summary>
        /// For a write about to change many rows (a bulk delete): on SQLite's writer, the page
        /// cache may grow to <see cref="WideWriterCacheKiB"/> until this batch ends; nothing
        /// elsewhere (a reader, PostgreSQL).
        /// </summary>
        public void WidenWriterCache()
        {
            if (_isWriter && _session is not null)
            {
                _owner.WidenWriterCache(_session);
            }
        }

        /// <summary>Marks the connection as not to be reused (an error left it in an unknown state).</summary>
        public void Fail() => _failed = true;

        public async ValueTask DisposeAsync()
        {
            if (_session is not null)
            {
                if (_isWriter)
                {
                    _owner.ReturnWriter(_session, !_failed);
                }
                else
                {
                    _owner.Return(_session, !_failed);
                }
                return;
            }
            foreach (var command in _ownCommands!)
            {
                await command.DisposeAsync();
            }
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync();
            }
            await Connection.DisposeAsync();
        }
    }
}
