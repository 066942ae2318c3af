using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CallEvents.Tests.Hostile;

/// <summary>
/// Every line the server logs, kept in memory: the in-process host's only logger provider, under
/// the logging levels the server ships with (appsettings.json), so what is counted here is what
/// would reach an operator's disk.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception)
    {
        public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : " " + Exception.GetType().Name)}";
    }

    private readonly ConcurrentQueue<Entry> _entries = new();

    public int Count => _entries.Count;

    /// <summary>The lines logged since <paramref name="mark"/> (an earlier <see cref="Count"/>).</summary>
    public IReadOnlyList<Entry> Since(int mark) => [.. _entries.Skip(mark)];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
    }
}
