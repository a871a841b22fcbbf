using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Video.Tests.Hls;

namespace Platform.Video.Tests.Api;

public class VideoApiTests
{
    /// <summary>A host whose reader holds ten 2-second fragments of "cam", all received in the last 30 s.</summary>
    private static Task<PlaybackTestHost> StartAsync() => PlaybackTestHost.StartAsync((reader, time) =>
    {
        reader.AddInit("cam", "s0-0", [0, 0, 0, 8, (byte)'f', (byte)'t', (byte)'y', (byte)'p'], "avc1.42c00d");
        foreach (var f in FixtureFragments.Make(10, firstNumber: 0))
        {
            reader.Add("cam", f with { ServerTime = time.GetUtcNow().AddSeconds(-25) + (f.ServerTime - FixtureFragments.Origin), InitSegmentKey = "s0-0" }, [1, 2, 3]);
        }
    });

    private static async Task<(HttpStatusCode Status, string? ErrorType, JsonNode? Body)> PostAsync(PlaybackTestHost host, string operation, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await host.Client.PostAsync("/" + operation, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.Single() : null, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static string Range(DateTimeOffset start, DateTimeOffset end) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"StartTimestamp\":{start.ToUnixTimeMilliseconds() / 1000.0},\"EndTimestamp\":{end.ToUnixTimeMilliseconds() / 1000.0}}}");

    [Fact]
    public async Task CreateStream_ThenDescribeStream_ReturnsItsInfo()
    {
        await using var host = await StartAsync();

        var created = await PostAsync(host, "createStream", """{"StreamName":"door","DataRetentionInHours":48,"MediaType":"video/h264"}""");
        var described = await PostAsync(host, "describeStream", """{"StreamName":"door"}""");

        Assert.Equal(HttpStatusCode.OK, created.Status);
        var arn = created.Body!["StreamARN"]!.GetValue<string>();
        Assert.StartsWith("arn:aws:kinesisvideo:us-east-1:000000000000:stream/door/", arn, StringComparison.Ordinal);
        var info = described.Body!["StreamInfo"]!;
        Assert.Equal(arn, info["StreamARN"]!.GetValue<string>());
        Assert.Equal("ACTIVE", info["Status"]!.GetValue<string>());
        Assert.Equal(48, info["DataRetentionInHours"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.Number, info["CreationTime"]!.GetValueKind());
    }

    [Fact]
    public async Task CreateStream_WithoutAName_Is400_NamingTheField()
    {
        await using var host = await StartAsync();

        var (status, type, body) = await PostAsync(host, "createStream", """{"DataRetentionInHours":1}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidArgumentException", type);
        Assert.Contains("StreamName", body!["Message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedJson_Is400_NamingWhereItBroke()
    {
        await using var host = await StartAsync();

        var (status, type, body) = await PostAsync(host, "createStream", """{"StreamName":"x","DataRetentionInHours":"many"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidArgumentException", type);
        Assert.Contains("DataRetentionInHours", body!["Message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        await using var host = await StartAsync();

        var (status, _, _) = await PostAsync(host, "createStream", "{\"StreamName\":\"" + new string('a', 100_000) + "\"}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
    }

    [Fact]
    public async Task DescribeStream_OfAnUnknownStream_Is404ResourceNotFound()
    {
        await using var host = await StartAsync();

        var (status, type, body) = await PostAsync(host, "describeStream", """{"StreamName":"nope"}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("ResourceNotFoundException", type);
        Assert.NotNull(body!["Message"]);
    }

    [Fact]
    public async Task GetDataEndpoint_AnswersThisHost()
    {
        await using var host = await StartAsync();
        await PostAsync(host, "createStream", """{"StreamName":"cam"}""");

        var (status, _, body) = await PostAsync(host, "getDataEndpoint", """{"StreamName":"cam","APIName":"GET_HLS_STREAMING_SESSION_URL"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(host.BaseUrl, body!["DataEndpoint"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"StreamName":"cam","PlaybackMode":"ON_DEMAND","HLSFragmentSelector":{"FragmentSelectorType":"SERVER_TIMESTAMP","TimestampRange":{"StartTimestamp":1}}}""", "EndTimestamp")]
    [InlineData("""{"StreamName":"cam","PlaybackMode":"LIVE_REPLAY"}""", "StartTimestamp")]
    [InlineData("""{"StreamName":"cam","Expires":299}""", "Expires")]
    [InlineData("""{"StreamName":"cam","MaxMediaPlaylistFragmentResults":5001}""", "MaxMediaPlaylistFragmentResults")]
    [InlineData("""{"StreamName":"cam","ContainerFormat":"MPEG_TS"}""", "MPEG_TS")]
    [InlineData("""{"StreamName":"cam","PlaybackMode":"REWIND"}""", "PlaybackMode")]
    [InlineData("""{"StreamName":"cam","DiscontinuityMode":"SOMETIMES"}""", "DiscontinuityMode")]
    public async Task GetHlsStreamingSessionUrl_WithABadArgument_Is400_NamingIt(string json, string named)
    {
        await using var host = await StartAsync();
        await PostAsync(host, "createStream", """{"StreamName":"cam"}""");

        var (status, type, body) = await PostAsync(host, "getHLSStreamingSessionURL", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidArgumentException", type);
        Assert.Contains(named, body!["Message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetHlsStreamingSessionUrl_Live_GivesASignedUrlThatPlays()
    {
        await using var host = await StartAsync();
        await PostAsync(host, "createStream", """{"StreamName":"cam"}""");

        var (status, _, body) = await PostAsync(host, "getHLSStreamingSessionURL", """{"StreamName":"cam","PlaybackMode":"LIVE"}""");
        var url = body!["HLSStreamingSessionURL"]!.GetValue<string>();
        var master = await host.Client.GetStringAsync(url);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith(host.BaseUrl + "/hls/cam/master.m3u8?token=", url, StringComparison.Ordinal);
        Assert.Contains("#EXT-X-STREAM-INF:", master, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetHlsStreamingSessionUrl_Live_WithNothingRecent_IsResourceNotFound()
    {
        await using var host = await StartAsync();
        await PostAsync(host, "createStream", """{"StreamName":"cam"}""");
        host.Time.Advance(TimeSpan.FromMinutes(5));

        var (status, type, _) = await PostAsync(host, "getHLSStreamingSessionURL", """{"StreamName":"cam"}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("ResourceNotFoundException", type);
    }

    [Fact]
    public async Task GetHlsStreamingSessionUrl_OnDemand_OnAStreamThatKeepsNothing_IsNoDataRetention()
    {
        await using var host = await StartAsync();
        await PostAsync(host, "createStream", """{"StreamName":"cam","DataRetentionInHours":0}""");
        var now = host.Time.GetUtcNow();

        var (status, type, _) = await PostAsync(host, "getHLSStreamingSessionURL", """{"StreamName":"cam","PlaybackMode":"ON_DEMAND","HLSFragmentSelector":{"TimestampRange":""" + Range(now.AddMinutes(-1), now) + "}}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("NoDataRetentionException", type);
    }

    [Fact]
    public async Task ListFragments_PagesThroughEveryFragmentOnce()
    {
        await using var host = await StartAsync();
        await PostAsync(host, "createStream", """{"StreamName":"cam"}""");
        var now = host.Time.GetUtcNow();
        var numbers = new List<string>();
        string? token = null;
        var pages = 0;

        do
        {
            var json = token is null
                ? """{"StreamName":"cam","MaxResults":3,"FragmentSelector":{"FragmentSelectorType":"SERVER_TIMESTAMP","TimestampRange":""" + Range(now.AddMinutes(-1), now) + "}}"
                : $$"""{"StreamName":"cam","MaxResults":3,"NextToken":"{{token}}"}""";
            var (status, _, body) = await PostAsync(host, "listFragments", json);
            Assert.Equal(HttpStatusCode.OK, status);
            numbers.AddRange(body!["Fragments"]!.AsArray().Select(f => f!["FragmentNumber"]!.GetValue<string>()));
            Assert.Equal(2000, body["Fragments"]![0]!["FragmentLengthInMilliseconds"]!.GetValue<long>());
            token = body["NextToken"]?.GetValue<string>();
            pages++;
        }
        while (token is not null);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), numbers);
        Assert.Equal(4, pages);
    }

    [Fact]
    public async Task ListFragments_WithoutASelector_Is400_NamingIt()
    {
        await using var host = await StartAsync();
        await PostAsync(host, "createStream", """{"StreamName":"cam"}""");

        var (status, _, body) = await PostAsync(host, "listFragments", """{"StreamName":"cam"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("FragmentSelector", body!["Message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
