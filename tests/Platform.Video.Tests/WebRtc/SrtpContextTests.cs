using System.Buffers.Binary;
using System.Security.Cryptography;
using Platform.Video.Ingest.WebRtc.Srtp;

namespace Platform.Video.Tests.WebRtc;

public sealed class SrtpContextTests
{
    [Fact]
    public void KeyDerivation_MatchesRfc3711AppendixB3()
    {
        var key = Hex.Bytes("E1F97A0D3E018BE0D64FA32C06DE4139");
        var salt = Hex.Bytes("0EC675AD498AFEEBB6960B3AABE6");
        Assert.Equal("C61E7A93744F39EE10734AFE3FF7A087", Convert.ToHexString(SrtpKeyDerivation.Derive(key, salt, 0, 16)));
        Assert.Equal("30CBBC08863D8C85D49DB34A9AE1", Convert.ToHexString(SrtpKeyDerivation.Derive(key, salt, 2, 14)));
        Assert.Equal("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4", Convert.ToHexString(SrtpKeyDerivation.Derive(key, salt, 1, 20)));
    }

    [Fact]
    public void CounterMode_ProducesTheRfc3711AppendixB2Keystream()
    {
        using var aes = Aes.Create();
        aes.Key = Hex.Bytes("2B7E151628AED2A6ABF7158809CF4F3C");
        var iv = Hex.Bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
        var stream = new byte[48];
        AesCounterMode.Apply(aes, iv, stream);
        Assert.Equal(
            "E03EAD0935C95E80E166B16DD92B4EB4" + "D23513162B02D0F72A43A2FE4A5F97AB" + "41E95B3BB0A2E8DD477901E4FCA894C0",
            Convert.ToHexString(stream));
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Rtp_RoundTripsAndAuthenticates(SrtpProfile profile)
    {
        var keys = NewKeys(profile);
        using var sender = new SrtpContext(keys);
        using var receiver = new SrtpContext(keys);
        var plain = RtpPacket(1000, 0x11223344, 100);
        var buffer = new byte[plain.Length + 16];
        plain.CopyTo(buffer, 0);
        var length = sender.ProtectRtp(buffer, plain.Length);
        Assert.NotEqual(plain.AsSpan(12).ToArray(), buffer.AsSpan(12, plain.Length - 12).ToArray());
        var received = buffer.AsSpan(0, length).ToArray();
        Assert.True(receiver.TryUnprotectRtp(received, out var plainLength));
        Assert.Equal(plain, received.AsSpan(0, plainLength).ToArray());
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Rtp_RefusesATamperedPacketAndAReplay(SrtpProfile profile)
    {
        var keys = NewKeys(profile);
        using var sender = new SrtpContext(keys);
        using var receiver = new SrtpContext(keys);
        var protectedPacket = Protect(sender, RtpPacket(5, 7, 50));
        var tampered = protectedPacket.ToArray();
        tampered[20] ^= 0x40;
        Assert.False(receiver.TryUnprotectRtp(tampered, out _));
        Assert.True(receiver.TryUnprotectRtp(protectedPacket.ToArray(), out _));
        Assert.False(receiver.TryUnprotectRtp(protectedPacket.ToArray(), out _));
    }

    [Fact]
    public void Rtp_KeepsDecryptingAcrossASequenceNumberWrap()
    {
        var keys = NewKeys(SrtpProfile.AesCm128HmacSha1_80);
        using var sender = new SrtpContext(keys);
        using var receiver = new SrtpContext(keys);
        var packets = new List<byte[]>();
        for (var i = 0; i < 40; i++)
        {
            packets.Add(Protect(sender, RtpPacket((ushort)(65520 + i), 9, 30)));
        }

        // One late packet from before the wrap arrives after the wrap: it keeps the old rollover counter.
        (packets[10], packets[20]) = (packets[20], packets[10]);
        foreach (var packet in packets)
        {
            Assert.True(receiver.TryUnprotectRtp(packet, out var length));
            Assert.Equal(30, length - 12);
        }
    }

    [Fact]
    public void EstimateIndex_FollowsRfc3711Section331()
    {
        Assert.Equal((1L << 16) | 3, SrtpContext.EstimateIndex(0, 65530, 3));
        Assert.Equal(65530L, SrtpContext.EstimateIndex(1, 5, 65530));
        Assert.Equal((1L << 16) | 10, SrtpContext.EstimateIndex(1, 5, 10));
    }

    [Fact]
    public void ReplayWindow_RefusesDuplicatesAndPacketsOlderThanTheWindow()
    {
        var window = new ReplayWindow();
        window.Accept(100);
        window.Accept(98);
        Assert.True(window.IsReplay(100));
        Assert.True(window.IsReplay(98));
        Assert.False(window.IsReplay(99));
        window.Accept(200);
        Assert.True(window.IsReplay(130));
        Assert.False(window.IsReplay(150));
    }

    [Theory]
    [InlineData(SrtpProfile.AesCm128HmacSha1_80)]
    [InlineData(SrtpProfile.AeadAes128Gcm)]
    public void Rtcp_RoundTripsAndRefusesTampering(SrtpProfile profile)
    {
        var keys = NewKeys(profile);
        using var sender = new SrtpContext(keys);
        using var receiver = new SrtpContext(keys);
        var plain = new byte[32];
        plain[0] = 0x81;
        plain[1] = 201;
        BinaryPrimitives.WriteUInt16BigEndian(plain.AsSpan(2), 7);
        BinaryPrimitives.WriteUInt32BigEndian(plain.AsSpan(4), 0xCAFEBABE);
        plain.AsSpan(8).Fill(0x5A);
        var buffer = new byte[plain.Length + sender.RtcpOverhead];
        plain.CopyTo(buffer, 0);
        var length = sender.ProtectRtcp(buffer, plain.Length);
        var tampered = buffer.AsSpan(0, length).ToArray();
        tampered[12] ^= 1;
        Assert.False(receiver.TryUnprotectRtcp(tampered, out _));
        var received = buffer.AsSpan(0, length).ToArray();
        Assert.True(receiver.TryUnprotectRtcp(received, out var plainLength));
        Assert.Equal(plain, received.AsSpan(0, plainLength).ToArray());
        Assert.False(receiver.TryUnprotectRtcp(buffer.AsSpan(0, length).ToArray(), out _));
    }

    [Fact]
    public void KeyingMaterial_SplitsClientAndServerKeysAsRfc5764Orders()
    {
        var material = Enumerable.Range(0, 60).Select(i => (byte)i).ToArray();
        var (client, server) = SrtpKeys.FromKeyingMaterial(SrtpProfile.AesCm128HmacSha1_80, material);
        Assert.Equal(material[..16], client.MasterKey);
        Assert.Equal(material[16..32], server.MasterKey);
        Assert.Equal(material[32..46], client.MasterSalt);
        Assert.Equal(material[46..60], server.MasterSalt);
    }

    private static SrtpKeys NewKeys(SrtpProfile profile) =>
        new(profile, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(SrtpKeys.SaltLength(profile)));

    private static byte[] Protect(SrtpContext context, byte[] plain)
    {
        var buffer = new byte[plain.Length + 16];
        plain.CopyTo(buffer, 0);
        return buffer.AsSpan(0, context.ProtectRtp(buffer, plain.Length)).ToArray();
    }

    private static byte[] RtpPacket(ushort seq, uint ssrc, int payload)
    {
        var packet = new byte[12 + payload];
        packet[0] = 0x80;
        packet[1] = 96;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), seq);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), seq * 3000u);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        for (var i = 12; i < packet.Length; i++)
        {
            packet[i] = (byte)i;
        }

        return packet;
    }
}
