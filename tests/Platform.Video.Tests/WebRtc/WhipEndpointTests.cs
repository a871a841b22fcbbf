using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Platform.Video.Ingest;
using Platform.Video.Ingest.WebRtc.Sdp;
using Platform.Video.Ingest.WebRtc.Stun;

namespace Platform.Video.Tests.WebRtc;

public sealed class WhipEndpointTests
{
    [Fact]
    public async Task Post_AnswersAnOfferWith201_SdpAnswer_LocationAndETag_AndDeleteEndsTheSession()
    {
        await using var host = await WhipTestHost.StartAsync(IPAddress.Loopback);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await PostOfferAsync(client, "cam1", SdpTests.ChromiumLikeOffer, token: "secret");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/sdp", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("/whip/cam1/", location, StringComparison.Ordinal);
        var answer = SessionDescription.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("", answer.Attribute("ice-lite"));
        Assert.Contains(answer.Media[1].AttributesNamed("candidate"), c => c.Contains($"127.0.0.1 {host.Transport.LocalEndPoint.Port} typ host", StringComparison.Ordinal));
        Assert.Equal("secret", host.Ingest.LastCredential);

        var publish = Assert.Single(host.Ingest.Sessions);
        using var delete = await client.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.True(publish.Disposed);
        Assert.Equal(0, host.Sessions.Count);
        using var again = await client.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Post_RefusesOtherContentTypesWith415()
    {
        await using var host = await WhipTestHost.StartAsync(IPAddress.Loopback);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var content = new StringContent(SdpTests.ChromiumLikeOffer, Encoding.UTF8, "text/plain");
        using var response = await client.PostAsync("/whip/cam1", content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData("not sdp at all", HttpStatusCode.BadRequest, "SDP")]
    [InlineData("no-h264", HttpStatusCode.NotAcceptable, "H.264")]
    public async Task Post_RefusesBadOffersWithTheRfcStatusAndAReason(string offer, HttpStatusCode status, string reason)
    {
        await using var host = await WhipTestHost.StartAsync(IPAddress.Loopback);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var sdp = offer == "no-h264" ? SdpTests.ChromiumLikeOffer.Replace("H264/90000", "AV1/90000", StringComparison.Ordinal) : offer;
        using var response = await PostOfferAsync(client, "cam1", sdp);
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(host.Ingest.Sessions);
    }

    [Theory]
    [InlineData(PublishRejection.BadCredential, null, HttpStatusCode.Unauthorized)]
    [InlineData(PublishRejection.BadCredential, "wrong", HttpStatusCode.Forbidden)]
    [InlineData(PublishRejection.StreamBusy, "t", HttpStatusCode.Conflict)]
    [InlineData(PublishRejection.StreamNotFound, "t", HttpStatusCode.NotFound)]
    public async Task Post_MapsPublishRejectionsToHttpStatuses(PublishRejection rejection, string? token, HttpStatusCode status)
    {
        await using var host = await WhipTestHost.StartAsync(IPAddress.Loopback);
        host.Ingest.Reject = new PublishRejectedException(rejection, "refused for the test");
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var response = await PostOfferAsync(client, "cam1", SdpTests.ChromiumLikeOffer, token);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("refused for the test", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Options_AnswersCorsPreflight()
    {
        await using var host = await WhipTestHost.StartAsync(IPAddress.Loopback);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Options, "/whip/cam1");
        request.Headers.Add("Origin", "http://elsewhere.example");
        request.Headers.Add("Access-Control-Request-Method", "POST");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Contains("Authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.Ordinal);
        Assert.Equal("application/sdp", response.Headers.GetValues("Accept-Post").Single());
    }

    [Fact]
    public async Task Patch_AcceptsTrickleCandidatesAndRefusesIceRestartsWith422()
    {
        await using var host = await WhipTestHost.StartAsync(IPAddress.Loopback);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var created = await PostOfferAsync(client, "cam1", SdpTests.ChromiumLikeOffer);
        var location = created.Headers.Location!.ToString();

        using var trickle = await PatchAsync(client, location, "a=ice-ufrag:Ab12\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\na=candidate:1 1 udp 1 10.0.0.2 5000 typ host\r\n");
        Assert.Equal(HttpStatusCode.NoContent, trickle.StatusCode);
        using var restart = await PatchAsync(client, location, "a=ice-ufrag:New1\r\na=ice-pwd:newpasswordnewpassword12\r\n");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, restart.StatusCode);
        using var missing = await PatchAsync(client, "/whip/cam1/nosuchsession", "a=ice-ufrag:Ab12\r\n");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Stun_AnswersChecksWithTheSessionPassword_AndIgnoresWrongCredentialsAndGarbage()
    {
        await using var host = await WhipTestHost.StartAsync(IPAddress.Loopback);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var created = await PostOfferAsync(client, "cam1", SdpTests.ChromiumLikeOffer);
        var answer = SessionDescription.Parse(await created.Content.ReadAsStringAsync());
        var ufrag = answer.Media[0].Attribute("ice-ufrag")!;
        var password = answer.Media[0].Attribute("ice-pwd")!;

        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var server = host.Transport.LocalEndPoint;

        // Garbage of every kind first: nothing answers and nothing breaks.
        var random = new Random(11);
        foreach (var first in new byte[] { 0x00, 0x01, 22, 0x80, 0x81, 0xFF })
        {
            for (var i = 0; i < 50; i++)
            {
                var junk = new byte[random.Next(1, 300)];
                random.NextBytes(junk);
                junk[0] = first;
                await udp.SendAsync(junk, server);
            }
        }

        await udp.SendAsync(BindingRequest($"{ufrag}:Ab12", "not-the-password"), server);
        await udp.SendAsync(BindingRequest($"{ufrag}:Ab12", password), server);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var reply = await udp.ReceiveAsync(timeout.Token);
        Assert.True(StunMessage.TryParse(reply.Buffer, out var response));
        Assert.Equal(StunMessageType.BindingSuccessResponse, response!.Type);
        Assert.Equal((IPEndPoint)udp.Client.LocalEndPoint!, response.XorMappedAddress);
        Assert.True(response.VerifyMessageIntegrity(Encoding.ASCII.GetBytes(password)));
        Assert.True(response.VerifyFingerprint());
        Assert.True(host.Transport.DroppedDatagrams >= 300);

        // Exactly one reply: the wrong-password check got none.
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await udp.ReceiveAsync(quiet.Token));
    }

    [Fact]
    public async Task Session_TimesOutWhenThePublisherGoesSilent()
    {
        await using var host = await WhipTestHost.StartAsync(
            IPAddress.Loopback, new Dictionary<string, string?> { ["Platform:Video:WebRtc:SessionTimeout"] = "00:00:01" });
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        using var created = await PostOfferAsync(client, "cam1", SdpTests.ChromiumLikeOffer);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var publish = Assert.Single(host.Ingest.Sessions);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (host.Sessions.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, host.Sessions.Count);
        Assert.True(publish.Disposed);
    }

    [Fact]
    public async Task HundredSessions_OpenedAndClosed_LeaveNothingBehind()
    {
        await using var host = await WhipTestHost.StartAsync(IPAddress.Loopback);
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        var threadsBefore = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        for (var i = 0; i < 100; i++)
        {
            using var created = await PostOfferAsync(client, "cam" + i, SdpTests.ChromiumLikeOffer);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            using var deleted = await client.DeleteAsync(created.Headers.Location);
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        Assert.Equal(0, host.Sessions.Count);
        Assert.All(host.Ingest.Sessions, s => Assert.True(s.Disposed));

        // The DTLS threads of ended sessions exit; allow the pool some slack.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        int threadsAfter;
        do
        {
            await Task.Delay(200);
            threadsAfter = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        }
        while (threadsAfter > threadsBefore + 10 && DateTime.UtcNow < deadline);
        Assert.InRange(threadsAfter, 0, threadsBefore + 10);
    }

    private static byte[] BindingRequest(string username, string password)
    {
        var transaction = new byte[12];
        Random.Shared.NextBytes(transaction);
        return new StunMessageBuilder(StunMessageType.BindingRequest, transaction)
            .Add(StunAttributeType.Username, Encoding.UTF8.GetBytes(username))
            .AddUInt32(StunAttributeType.Priority, 1)
            .AddUInt64(StunAttributeType.IceControlling, 1)
            .Add(StunAttributeType.UseCandidate, [])
            .AddMessageIntegrity(Encoding.ASCII.GetBytes(password))
            .AddFingerprint()
            .ToArray();
    }

    private static async Task<HttpResponseMessage> PostOfferAsync(HttpClient client, string stream, string sdp, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/whip/" + stream)
        {
            Content = new StringContent(sdp, Encoding.UTF8, "application/sdp"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string location, string fragment)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, location)
        {
            Content = new StringContent(fragment, Encoding.UTF8, "application/trickle-ice-sdpfrag"),
        };
        return await client.SendAsync(request);
    }
}
