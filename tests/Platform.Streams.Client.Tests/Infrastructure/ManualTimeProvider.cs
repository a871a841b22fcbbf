namespace Platform.Streams.Client.Tests.Infrastructure;

/// <summary>A clock the test sets; timers are not supported (the code under test only reads the time).</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
