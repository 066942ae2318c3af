using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace CallEvents.Tests.Infrastructure;

/// <summary>
/// Every line the in-process host logs, kept in memory (a logger provider given to
/// <see cref="CallEventsHost.StartAsync"/>): what a real sink could print of each line, its message,
/// its structured values, its scopes and its exception, as <see cref="Entry.Text"/>.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    public sealed record Entry(string Category, LogLevel Level, string Message, string Text, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : " " + Exception.GetType().Name)}";
    }

    private readonly ConcurrentQueue<Entry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IEnumerable<Entry> Lines => _entries;

    public int Count => _entries.Count;

    /// <summary>The lines logged since <paramref name="mark"/> (an earlier <see cref="Count"/>).</summary>
    public IReadOnlyList<Entry> Since(int mark) => [.. _entries.Skip(mark)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            var text = new StringBuilder(message);
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.Append(" | ").Append(key).Append('=').Append(value);
                }
            }
            owner._scopes.ForEachScope((scope, line) => line.Append(" | scope ").Append(scope), text);
            if (exception is not null)
            {
                text.Append(" | ").Append(exception);
            }
            owner._entries.Enqueue(new Entry(category, logLevel, message, text.ToString(), exception));
        }
    }
}
