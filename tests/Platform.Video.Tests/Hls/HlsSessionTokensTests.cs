using System.Security.Cryptography;
using Platform.Testing;
using Platform.Video.Hls;
using Platform.Video.Store;

namespace Platform.Video.Tests.Hls;

public class HlsSessionTokensTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    private static HlsSession Session(DateTimeOffset now) => new(
        "cam-1.front_door", HlsPlaybackMode.OnDemand, FragmentTimestampType.ProducerTimestamp,
        now.AddHours(-2), now.AddHours(-1), HlsDiscontinuityMode.OnDiscontinuity, true, 1000, now, now.AddSeconds(300));

    [Fact]
    public void Token_RoundTripsEverySessionSetting()
    {
        var time = new ManualTimeProvider();
        var tokens = new HlsSessionTokens(Key, time);
        var session = Session(DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()));

        var back = tokens.Validate(tokens.Create(session), out var failure);

        Assert.Equal(session, back);
        Assert.Empty(failure);
    }

    [Fact]
    public void Token_IsRefusedOnceItExpires()
    {
        var time = new ManualTimeProvider();
        var tokens = new HlsSessionTokens(Key, time);
        var token = tokens.Create(Session(time.GetUtcNow()));

        time.Advance(TimeSpan.FromSeconds(301));

        Assert.Null(tokens.Validate(token, out var failure));
        Assert.Equal("expired", failure);
    }

    [Fact]
    public void Token_WithAnyCharacterChanged_IsRefused()
    {
        var time = new ManualTimeProvider();
        var tokens = new HlsSessionTokens(Key, time);
        var token = tokens.Create(Session(time.GetUtcNow()));

        for (var i = 0; i < token.Length; i++)
        {
            var forged = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            Assert.Null(tokens.Validate(forged, out _));
        }
    }

    [Fact]
    public void Token_SignedWithAnotherKey_IsRefused()
    {
        var time = new ManualTimeProvider();
        var token = new HlsSessionTokens(RandomNumberGenerator.GetBytes(32), time).Create(Session(time.GetUtcNow()));

        Assert.Null(new HlsSessionTokens(Key, time).Validate(token, out var failure));
        Assert.Equal("bad signature", failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void Token_ThatIsNotOne_IsRefused(string token)
    {
        Assert.Null(new HlsSessionTokens(Key, TimeProvider.System).Validate(token, out _));
    }

    [Fact]
    public void Token_LongerThanTheLimit_IsRefusedWithoutDecoding()
    {
        Assert.Null(new HlsSessionTokens(Key, TimeProvider.System).Validate(new string('A', HlsSessionTokens.MaxTokenLength + 1), out var failure));
        Assert.Equal("too long", failure);
    }
}
