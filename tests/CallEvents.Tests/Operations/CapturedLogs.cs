using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace CallEvents.Tests.Operations;

/// <summary>
/// An in-memory logger provider for the in-process host: every line any category writes, as
/// text that holds everything a real sink could print: the message, the structured values,
/// the scopes and the exception.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<(string Category, LogLevel Level, string Text)> Lines { get; } = new();

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
            var text = new StringBuilder(formatter(state, exception));
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
            owner.Lines.Enqueue((category, logLevel, text.ToString()));
        }
    }
}
