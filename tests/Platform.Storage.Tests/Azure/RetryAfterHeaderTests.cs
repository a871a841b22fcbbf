using System.Net;
using Platform.Storage.Azure;

namespace Platform.Storage.Tests.Azure;

public sealed class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2024, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RetryAfter_DeltaSeconds_IsThatManySeconds() =>
        Assert.Equal(TimeSpan.FromSeconds(7), RetryAfterHeader.Parse(null, "7", Now));

    [Fact]
    public void RetryAfter_HttpDate_IsTheTimeUntilThatDate() =>
        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfterHeader.Parse(null, "Mon, 01 Jan 2024 12:01:30 GMT", Now));

    [Fact]
    public void RetryAfter_DateInThePast_MeansNoWait() =>
        Assert.Equal(TimeSpan.Zero, RetryAfterHeader.Parse(null, "Mon, 01 Jan 2024 11:00:00 GMT", Now));

    [Fact]
    public void RetryAfterMs_WinsOverRetryAfter() =>
        Assert.Equal(TimeSpan.FromMilliseconds(250), RetryAfterHeader.Parse("250", "7", Now));

    [Theory]
    [InlineData(null, null)]
    [InlineData(null, "")]
    [InlineData(null, "soon")]
    [InlineData("-5", "-5")]
    public void RetryAfter_MissingOrUnreadable_IsNull(string? retryAfterMs, string? retryAfter) =>
        Assert.Null(RetryAfterHeader.Parse(retryAfterMs, retryAfter, Now));

    [Fact]
    public void RetryAfter_IsReadFromAResponse()
    {
        using var seconds = ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable, null, ("Retry-After", "3"));
        using var millis = ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable, null, ("x-ms-retry-after-ms", "1500"));

        Assert.Equal(TimeSpan.FromSeconds(3), RetryAfterHeader.Parse(seconds, Now));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), RetryAfterHeader.Parse(millis, Now));
    }
}
