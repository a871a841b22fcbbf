using System.Net;
using Platform.Video.Ingest.WebRtc.Sdp;

namespace Platform.Video.Tests.WebRtc;

public sealed class SdpTests
{
    /// <summary>Shaped like Chromium's offer: audio first, VP8 listed before H.264, several H.264 profiles, a data channel absent.</summary>
    internal const string ChromiumLikeOffer =
        "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\na=extmap-allow-mixed\r\na=msid-semantic: WMS\r\n" +
        "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n" +
        "a=ice-ufrag:Ab12\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=ice-options:trickle\r\n" +
        "a=fingerprint:sha-256 0F:57:2D:8B:57:1E:A4:A2:4E:56:2A:3B:99:5E:3F:6F:59:33:E7:C1:EA:3A:C2:52:1D:45:3E:8A:DB:2C:71:A4\r\n" +
        "a=setup:actpass\r\na=mid:0\r\na=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\na=sendonly\r\na=msid:- a1\r\na=rtcp-mux\r\n" +
        "a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\na=rtpmap:63 red/48000/2\r\n" +
        "a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:13 CN/8000\r\na=rtpmap:110 telephone-event/48000\r\n" +
        "a=rtpmap:126 telephone-event/8000\r\na=ssrc:1111 cname:abc\r\n" +
        "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n" +
        "a=ice-ufrag:Ab12\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n" +
        "a=fingerprint:sha-256 0F:57:2D:8B:57:1E:A4:A2:4E:56:2A:3B:99:5E:3F:6F:59:33:E7:C1:EA:3A:C2:52:1D:45:3E:8A:DB:2C:71:A4\r\n" +
        "a=setup:actpass\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\na=rtcp-rsize\r\n" +
        "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 goog-remb\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n" +
        "a=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\n" +
        "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\na=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n" +
        "a=rtpmap:104 H264/90000\r\na=rtcp-fb:104 goog-remb\r\na=rtcp-fb:104 ccm fir\r\na=rtcp-fb:104 nack\r\na=rtcp-fb:104 nack pli\r\n" +
        "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\na=rtpmap:105 rtx/90000\r\na=fmtp:105 apt=104\r\n" +
        "a=rtpmap:106 H264/90000\r\na=fmtp:106 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n" +
        "a=rtpmap:107 H264/90000\r\na=fmtp:107 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f\r\n";

    [Fact]
    public void Negotiate_PicksConstrainedBaselineH264InModeOne_EvenWhenVp8ComesFirst()
    {
        var offer = WhipOfferNegotiator.Negotiate(SessionDescription.Parse(ChromiumLikeOffer));
        Assert.Equal(104, offer.Video.PayloadType);
        Assert.Equal("H264/90000", offer.Video.RtpMap);
        Assert.Contains("profile-level-id=42e01f", offer.Video.Fmtp);
        Assert.Equal(["ccm fir", "nack", "nack pli"], offer.Video.Feedback.Order());
        Assert.Equal(111, offer.Audio!.PayloadType);
        Assert.Equal("Ab12", offer.RemoteUfrag);
        Assert.Equal("abcdefghijklmnopqrstuvwx", offer.RemotePassword);
        Assert.Equal("sha-256", offer.FingerprintAlgorithm);
        Assert.Equal(32, offer.Fingerprint.Length);
    }

    [Fact]
    public void Answer_IsIceLitePassiveBundledAndListsEveryCandidate()
    {
        var offer = WhipOfferNegotiator.Negotiate(SessionDescription.Parse(ChromiumLikeOffer));
        var answer = SdpAnswerBuilder.Build(
            offer, "srvU", "serverpasswordserverpass", "sha-256 AA:BB", [new IPEndPoint(IPAddress.Parse("10.77.0.1"), 8189), new IPEndPoint(IPAddress.Parse("192.0.2.7"), 8189)], 42);
        var parsed = SessionDescription.Parse(answer);
        Assert.Equal("", parsed.Attribute("ice-lite"));
        Assert.Equal("BUNDLE 0 1", parsed.Attribute("group"));
        Assert.Equal(["audio", "video"], parsed.Media.Select(m => m.Kind));
        foreach (var media in parsed.Media)
        {
            Assert.Equal("passive", media.Attribute("setup"));
            Assert.Equal("srvU", media.Attribute("ice-ufrag"));
            Assert.True(media.HasAttribute("rtcp-mux"));
            Assert.True(media.HasAttribute("recvonly"));
            Assert.Equal(2, media.AttributesNamed("candidate").Count());
            Assert.Contains(media.AttributesNamed("candidate"), c => c.Contains("10.77.0.1 8189 typ host", StringComparison.Ordinal));
        }

        Assert.Equal(["104"], parsed.Media[1].Formats);
        Assert.Equal("104 H264/90000", parsed.Media[1].Attribute("rtpmap"));
        Assert.Equal(["111"], parsed.Media[0].Formats);
    }

    [Fact]
    public void Negotiate_RefusesAnOfferWithoutH264With406AndAReason()
    {
        var noH264 = ChromiumLikeOffer.Replace("H264/90000", "H265/90000", StringComparison.Ordinal);
        var error = Assert.Throws<SdpException>(() => WhipOfferNegotiator.Negotiate(SessionDescription.Parse(noH264)));
        Assert.Equal(406, error.StatusCode);
        Assert.Contains("H.264", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negotiate_RefusesTwoVideoTracks()
    {
        var video = ChromiumLikeOffer[ChromiumLikeOffer.IndexOf("m=video", StringComparison.Ordinal)..].Replace("a=mid:1", "a=mid:2", StringComparison.Ordinal);
        var error = Assert.Throws<SdpException>(() => WhipOfferNegotiator.Negotiate(SessionDescription.Parse(ChromiumLikeOffer + video)));
        Assert.Equal(406, error.StatusCode);
        Assert.Contains("more than one video", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negotiate_RejectsAnOfferWithoutIceCredentialsAs400()
    {
        var noIce = ChromiumLikeOffer.Replace("a=ice-ufrag:Ab12\r\n", "", StringComparison.Ordinal);
        Assert.Equal(400, Assert.Throws<SdpException>(() => WhipOfferNegotiator.Negotiate(SessionDescription.Parse(noIce))).StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello world")]
    [InlineData("v=1\r\n")]
    [InlineData("v=0\r\nm=video x UDP 96\r\n")]
    [InlineData("v=0\r\nthis is not sdp\r\n")]
    public void Parse_RejectsMalformedSdpAs400(string text) =>
        Assert.Equal(400, Assert.Throws<SdpException>(() => SessionDescription.Parse(text)).StatusCode);

    [Fact]
    public void Negotiate_RejectsADataChannelSectionButKeepsTheMedia()
    {
        var withData = ChromiumLikeOffer + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\na=sctp-port:5000\r\n";
        var offer = WhipOfferNegotiator.Negotiate(SessionDescription.Parse(withData));
        Assert.False(offer.Sections[2].Accepted);
        var answer = SdpAnswerBuilder.Build(offer, "u", "p", "sha-256 AA", [], 1);
        Assert.Contains("m=application 0 UDP/DTLS/SCTP webrtc-datachannel", answer, StringComparison.Ordinal);
    }
}
