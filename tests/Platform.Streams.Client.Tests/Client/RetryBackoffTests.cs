
namespace Platform.Streams.Client.Tests.Client;

public sealed class RetryBackoffTests
{
    [Theory]
    [InlineData(1, 50, 100)]
    [InlineData(2, 100, 200)]
    [InlineData(4, 400, 800)]
    [InlineData(10, 2500, 5000)]
    [InlineData(1000, 2500, 5000)]
    public void Backoff_DoublesPerAttempt_WithJitterInTheUpperHalf_UpToTheMaximum(int attempt, int lowestMs, int highestMs)
    {
        var min = TimeSpan.FromMilliseconds(100);
        var max = TimeSpan.FromSeconds(5);

        Assert.Equal(TimeSpan.FromMilliseconds(lowestMs), RetryBackoff.Delay(attempt, min, max, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(highestMs), RetryBackoff.Delay(attempt, min, max, 1));
    }
}
