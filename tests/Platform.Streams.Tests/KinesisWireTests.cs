using System.Text;
using System.Text.Json;
using Platform.Streams.Api;
using Platform.Streams.Service;

namespace Platform.Streams.Tests;

/// <summary>
/// PutRecords and GetRecords through the API's request handler on a real embedded store: the in-place
/// PutRecords reader and the Utf8JsonWriter answers give the same AWS shapes, error types and messages
/// as System.Text.Json binding did.
/// </summary>
public sealed class KinesisWireTests : IAsyncLifetime
{
    private ApiOnEmbeddedStore? _api;

    private StreamService Service => _api!.Service;

    private string StreamName => _api!.Stream;

    public async Task InitializeAsync() => _api = await ApiOnEmbeddedStore.StartAsync("wire", 4);

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }

    private async Task<(int Status, JsonDocument Body)> SendAsync(string operation, byte[] body)
    {
        var (status, answer) = await _api!.SendAsync(operation, body);
        return (status, JsonDocument.Parse(answer));
    }

    private Task<(int Status, JsonDocument Body)> PutRecordsAsync(string body) => SendAsync("PutRecords", Encoding.UTF8.GetBytes(body));

    private static string Records(int count, int dataBytes = 4) =>
        string.Join(',', Enumerable.Range(0, count).Select(i => $"{{\"Data\":\"{Convert.ToBase64String(new byte[dataBytes])}\",\"PartitionKey\":\"k{i}\"}}"));

    [Fact]
    public async Task PutRecords_WithEscapedDataAndKeys_StoresTheDecodedBytes_AndGetRecordsReturnsThem()
    {
        // '+' and '/' escaped as some JSON encoders write them, a key with an escaped and a raw non-ASCII character.
        var data = new byte[] { 0xfb, 0xff, 0xbf, 0x00, 0x41 }; // base64 "+/+/AEE="
        var body = $"{{\"Unknown\":{{\"a\":[1,2]}},\"StreamName\":\"{StreamName}\",\"Records\":[" +
            "{\"Data\":\"\\u002B\\/\\u002B/AEE=\",\"PartitionKey\":\"caf\\u00e9\",\"Extra\":null}," +
            "{\"PartitionKey\":\"ключ\",\"Data\":\"aGVsbG8=\",\"ExplicitHashKey\":null}]}";
        var (status, put) = await PutRecordsAsync(body);
        Assert.Equal(200, status);
        Assert.Equal(0, put.RootElement.GetProperty("FailedRecordCount").GetInt32());
        var results = put.RootElement.GetProperty("Records").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        Assert.Equal("NONE", put.RootElement.GetProperty("EncryptionType").GetString());

        var read = new Dictionary<string, (byte[] Data, string Sequence)>();
        foreach (var result in results)
        {
            var shardId = result.GetProperty("ShardId").GetString()!;
            var iterator = await Service!.GetShardIteratorAsync(StreamName, shardId, IteratorType.TrimHorizon, null, null, CancellationToken.None);
            var (getStatus, get) = await SendAsync("GetRecords", Encoding.UTF8.GetBytes($"{{\"ShardIterator\":\"{iterator}\"}}"));
            Assert.Equal(200, getStatus);
            Assert.True(get.RootElement.TryGetProperty("NextShardIterator", out _));
            Assert.Equal(0, get.RootElement.GetProperty("MillisBehindLatest").GetInt64());
            foreach (var record in get.RootElement.GetProperty("Records").EnumerateArray())
            {
                Assert.True(record.GetProperty("ApproximateArrivalTimestamp").GetDouble() > 1.6e9);
                read[record.GetProperty("PartitionKey").GetString()!] = (record.GetProperty("Data").GetBytesFromBase64(), record.GetProperty("SequenceNumber").GetString()!);
            }
        }

        Assert.Equal(data, read["café"].Data);
        Assert.Equal("hello"u8.ToArray(), read["ключ"].Data);
        Assert.Equal(results[0].GetProperty("SequenceNumber").GetString(), read["café"].Sequence);
        Assert.Equal(results[1].GetProperty("SequenceNumber").GetString(), read["ключ"].Sequence);
    }

    [Fact]
    public void ArrivalTimestamps_AreWrittenAsEpochSeconds_AsDecimalDivisionPrintsThem()
    {
        var random = new Random(1201);
        var values = new List<long> { 0, 1, 10, 100, 999, 1000, 1001, 1010, 1100, 1796112625961, 1796112625900, 1796112625000, -1, -500, -1000, -1001, long.MaxValue, long.MinValue };
        for (var i = 0; i < 5000; i++)
        {
            values.Add(random.NextInt64(0, 4_000_000_000_000));
        }

        Span<byte> text = stackalloc byte[KinesisApi.MaxEpochSecondsBytes];
        foreach (var milliseconds in values)
        {
            var written = KinesisApi.FormatEpochSeconds(milliseconds, text);
            Assert.Equal((milliseconds / 1000m).ToString(System.Globalization.CultureInfo.InvariantCulture), Encoding.ASCII.GetString(text[..written]));
        }
    }

    [Fact]
    public async Task PutRecords_StoresRandomDataOfEverySize_ExactlyAsSent()
    {
        // Sizes on both sides of the stack scratch limit (4 KiB decoded) and of base64's padding cases.
        var random = new Random(42);
        var sizes = new[] { 1, 2, 3, 1024, 3071, 3072, 4095, 4096, 4097, 6000, 300_000 };
        var sent = sizes.Select(size => { var data = new byte[size]; random.NextBytes(data); return data; }).ToList();
        var body = $"{{\"StreamName\":\"{StreamName}\",\"Records\":[" +
            string.Join(',', sent.Select((data, i) => $"{{\"Data\":\"{Convert.ToBase64String(data)}\",\"PartitionKey\":\"size-{i}\"}}")) + "]}";

        var (status, put) = await PutRecordsAsync(body);

        Assert.Equal(200, status);
        Assert.Equal(0, put.RootElement.GetProperty("FailedRecordCount").GetInt32());
        var read = new Dictionary<string, byte[]>();
        foreach (var shardId in put.RootElement.GetProperty("Records").EnumerateArray().Select(r => r.GetProperty("ShardId").GetString()!).Distinct())
        {
            var iterator = await Service!.GetShardIteratorAsync(StreamName, shardId, IteratorType.TrimHorizon, null, null, CancellationToken.None);
            var (_, get) = await SendAsync("GetRecords", Encoding.UTF8.GetBytes($"{{\"ShardIterator\":\"{iterator}\"}}"));
            foreach (var record in get.RootElement.GetProperty("Records").EnumerateArray())
            {
                read[record.GetProperty("PartitionKey").GetString()!] = record.GetProperty("Data").GetBytesFromBase64();
            }
        }

        for (var i = 0; i < sent.Count; i++)
        {
            Assert.True(sent[i].AsSpan().SequenceEqual(read[$"size-{i}"]), $"record of {sizes[i]} bytes");
        }
    }

    [Fact]
    public async Task PutRecords_WithLargeDataThatIsNotBase64_IsASerializationExceptionNamingTheRecord()
    {
        // Above the stack scratch limit the decoder works in a pooled buffer; bad text there is refused the same way.
        var text = new string('A', 8000) + "!!!!";
        var (status, body) = await PutRecordsAsync($"{{\"StreamName\":\"{StreamName}\",\"Records\":[{{\"Data\":\"QUJD\",\"PartitionKey\":\"a\"}},{{\"Data\":\"{text}\",\"PartitionKey\":\"b\"}}]}}");

        Assert.Equal(400, status);
        Assert.Equal("SerializationException", body.RootElement.GetProperty("__type").GetString());
        Assert.Contains("Records[1].Data is not valid base64", body.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutRecords_OfFiveHundredRecords_AcknowledgesEach_InRequestOrderPerShard()
    {
        var (status, put) = await PutRecordsAsync($"{{\"StreamName\":\"{StreamName}\",\"Records\":[{Records(500, 1024)}]}}");
        Assert.Equal(200, status);
        Assert.Equal(0, put.RootElement.GetProperty("FailedRecordCount").GetInt32());
        var results = put.RootElement.GetProperty("Records").EnumerateArray().ToList();
        Assert.Equal(500, results.Count);
        foreach (var shard in results.GroupBy(r => r.GetProperty("ShardId").GetString()))
        {
            var numbers = shard.Select(r => r.GetProperty("SequenceNumber").GetString()!).ToList();
            Assert.All(numbers, n => Assert.Equal(56, n.Length));
            Assert.Equal(numbers.Order(StringComparer.Ordinal), numbers);
        }
    }

    [Theory]
    [InlineData("", "SerializationException", "empty")]
    [InlineData("null", "SerializationException", "not null")]
    [InlineData("{not json", "SerializationException", "not valid JSON for PutRecords")]
    [InlineData("[1]", "SerializationException", "not valid JSON for PutRecords")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[]} x", "SerializationException", "not valid JSON for PutRecords")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":{}}", "SerializationException", "Records")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[1]}", "SerializationException", "Records[0]")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[{\"Data\":\"not base64!\",\"PartitionKey\":\"k\"}]}", "SerializationException", "Records[0].Data is not valid base64")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[{\"Data\":\"QQ\",\"PartitionKey\":\"k\"}]}", "SerializationException", "Records[0].Data is not valid base64")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[{\"Data\":5,\"PartitionKey\":\"k\"}]}", "SerializationException", "Records[0].Data")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[{\"Data\":\"AA==\",\"PartitionKey\":7}]}", "SerializationException", "Records[0].PartitionKey")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[{\"Data\":\"AA==\",\"PartitionKey\":\"\\ud800\"}]}", "SerializationException", "Records[0].PartitionKey")]
    [InlineData("{\"StreamName\":5,\"Records\":[]}", "SerializationException", "StreamName")]
    [InlineData("{\"StreamName\":\"@S\"}", "ValidationException", "Value 'null' at 'records' failed to satisfy constraint: Member must not be null")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":null}", "ValidationException", "at 'records' failed")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[]}", "ValidationException", "Member must have length greater than or equal to 1")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[{\"Data\":\"AA==\",\"PartitionKey\":\"k\"},{\"PartitionKey\":\"k\"}]}", "ValidationException", "Value 'null' at 'records.2.member.data' failed to satisfy constraint: Member must not be null")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[{\"Data\":\"AA==\"}]}", "ValidationException", "Value 'null' at 'records.1.member.partitionKey' failed to satisfy constraint: PartitionKey must be at least 1 character long.")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[{\"Data\":\"AA==\",\"PartitionKey\":\"\"}]}", "ValidationException", "Value '' at 'records.1.member.partitionKey'")]
    [InlineData("{\"StreamName\":\"@S\",\"Records\":[{\"Data\":\"AA==\",\"PartitionKey\":\"k\",\"ExplicitHashKey\":\"abc\"}]}", "InvalidArgumentException", "Invalid ExplicitHashKey.")]
    [InlineData("{\"StreamName\":\"no-such-stream\",\"Records\":[{\"Data\":\"AA==\",\"PartitionKey\":\"k\"}]}", "ResourceNotFoundException", "Stream no-such-stream under account")]
    [InlineData("{\"Records\":[{\"Data\":\"AA==\",\"PartitionKey\":\"k\"}]}", "InvalidArgumentException", "Either StreamName or StreamARN must be provided.")]
    public async Task PutRecords_BadBodies_AnswerTheAwsErrorTypeAndMessage(string body, string errorType, string mentions)
    {
        var (status, error) = await PutRecordsAsync(body.Replace("@S", StreamName, StringComparison.Ordinal));
        Assert.Equal(400, status);
        Assert.Equal(errorType, error.RootElement.GetProperty("__type").GetString());
        Assert.Contains(mentions, error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutRecords_OfFiveHundredAndOneRecords_IsAValidationException()
    {
        var (status, error) = await PutRecordsAsync($"{{\"StreamName\":\"{StreamName}\",\"Records\":[{Records(501)}]}}");
        Assert.Equal(400, status);
        Assert.Equal("ValidationException", error.RootElement.GetProperty("__type").GetString());
        Assert.Equal("1 validation error detected: Value '[501 records]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500", error.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task PutRecords_WithARecordOfOneMebibytePlusOne_IsAValidationExceptionNamingIt()
    {
        var big = Convert.ToBase64String(new byte[(1024 * 1024) + 1]);
        var (status, error) = await PutRecordsAsync($"{{\"StreamName\":\"{StreamName}\",\"Records\":[{Records(1)},{{\"Data\":\"{big}\",\"PartitionKey\":\"k\"}}]}}");
        Assert.Equal(400, status);
        Assert.Equal("ValidationException", error.RootElement.GetProperty("__type").GetString());
        Assert.Equal("1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576", error.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task PutRecords_OverFiveMegabytes_IsAnInvalidArgumentException()
    {
        var (status, error) = await PutRecordsAsync($"{{\"StreamName\":\"{StreamName}\",\"Records\":[{Records(6, 1000 * 1000)}]}}");
        Assert.Equal(400, status);
        Assert.Equal("InvalidArgumentException", error.RootElement.GetProperty("__type").GetString());
        Assert.StartsWith("Records size exceeds 5 MB limit", error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutRecords_WithAPartitionKeyOf257Characters_IsAValidationException()
    {
        var key = new string('é', 257);
        var (status, error) = await PutRecordsAsync($"{{\"StreamName\":\"{StreamName}\",\"Records\":[{{\"Data\":\"AA==\",\"PartitionKey\":\"{key}\"}}]}}");
        Assert.Equal(400, status);
        Assert.Equal("ValidationException", error.RootElement.GetProperty("__type").GetString());
        Assert.Equal($"1 validation error detected: Value '{key}' at 'records.1.member.partitionKey' failed to satisfy constraint: PartitionKey must be at most 256 characters long.", error.RootElement.GetProperty("message").GetString());
    }
}
