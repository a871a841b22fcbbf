using System.Text;
using Microsoft.Extensions.Logging;

namespace Platform.Video.Tests.WebRtc;

/// <summary>Keeps the host's log lines so a failing integration test can show what the server saw.</summary>
internal sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly StringBuilder _lines = new();

    public string Text
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToString();
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug && category.StartsWith("Platform", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            lock (owner._lines)
            {
                if (owner._lines.Length < 200_000)
                {
                    owner._lines.Append(DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture)).Append(' ')
                        .Append(logLevel).Append(' ').Append(formatter(state, exception)).AppendLine(exception?.ToString());
                }
            }
        }
    }
}
