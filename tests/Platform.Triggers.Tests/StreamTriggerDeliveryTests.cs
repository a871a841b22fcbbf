using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Runtime.Functions;
using Platform.Storage;
using Platform.Triggers.Destinations;

namespace Platform.Triggers.Tests;

/// <summary>Functions run by the real trigger host over the real stream service on an embedded data folder.</summary>
public sealed class StreamTriggerDeliveryTests
{
    private static IEnumerable<(string, string)> Records(int count, string prefix = "r", Func<int, string>? data = null) =>
        Enumerable.Range(0, count).Select(i => ("k" + (i % 5).ToString(CultureInfo.InvariantCulture), data?.Invoke(i) ?? prefix + i.ToString(CultureInfo.InvariantCulture)));

    private static async Task<List<FailureRecord>> FailureBlobsAsync(IBlobStore store, string container)
    {
        var page = await store.ListBlobsAsync(container);
        var records = new List<FailureRecord>();
        foreach (var item in page.Items)
        {
            var download = await store.ReadAsync(new BlobPath(container, item.Name));
            records.Add(JsonSerializer.Deserialize<FailureRecord>(download.Content.Span)!);
        }

        return records;
    }

    public sealed class PoisonFunctions(Probe probe)
    {
        [Function("Poison")]
        public void Run([StreamTrigger("poison", BatchSize = 100, BisectBatchOnFunctionError = true, MaximumRetryAttempts = 0, OnFailure = "blob:poison-failures")] StreamRecord[] records, FunctionContext context)
        {
            probe.Record(records, context.Attempt);
            if (records.Any(r => r.DataAsString() == "poison"))
            {
                throw new InvalidOperationException("poison record");
            }

            foreach (var record in records)
            {
                probe.Accepted.Add(record.DataAsString());
            }
        }
    }

    [Fact]
    public async Task Bisect_IsolatesOnePoisonRecordInABatchOf100_OnlyItReachesTheOnFailureDestination_AndTheShardMovesOn()
    {
        var probe = new Probe();
        await using var host = await TriggerTestHost.StartAsync([typeof(PoisonFunctions)], null, s => s.AddSingleton(probe), beforeTriggers: async streams =>
        {
            await streams.CreateStreamAsync("poison", 1, null, CancellationToken.None);
            var batch = Enumerable.Range(0, 100).Select(i => new Platform.Streams.Service.PutRecordInput("k", null, System.Text.Encoding.UTF8.GetBytes(i == 42 ? "poison" : "r" + i.ToString(CultureInfo.InvariantCulture)))).ToList();
            await streams.PutRecordsAsync("poison", batch, CancellationToken.None);
        });

        await TriggerTestHost.EventuallyAsync(() => probe.Accepted.Count >= 99, "the 99 good records are delivered");
        await host.PutAsync("poison", Records(5, "later"));
        await TriggerTestHost.EventuallyAsync(() => probe.Accepted.Count >= 104, "records put after the poison one are delivered");

        Assert.Equal(100, probe.Invocations.First().Data.Length);
        Assert.Equal(104, probe.Accepted.Distinct().Count());
        Assert.DoesNotContain("poison", probe.Accepted);
        var failure = Assert.Single(await FailureBlobsAsync(host.Store, "poison-failures"));
        Assert.Equal("RetryAttemptsExhausted", failure.RequestContext.Condition);
        Assert.Equal(1, failure.KinesisBatchInfo.BatchSize);
        Assert.Equal("poison", System.Text.Encoding.UTF8.GetString(Assert.Single(failure.Records!).Data));
        Assert.Equal(failure.KinesisBatchInfo.StartSequenceNumber, failure.Records![0].SequenceNumber);
        Assert.EndsWith(":function:Poison", failure.RequestContext.FunctionArn, StringComparison.Ordinal);
        Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:stream/poison", failure.KinesisBatchInfo.StreamArn);
    }

    public sealed class StreamDestinationFunctions(Probe probe)
    {
        [Function("ToStreamDestination")]
        public void Run([StreamTrigger("work", MaximumRetryAttempts = 1, OnFailure = "dead-letters")] IReadOnlyList<StreamRecord> records, FunctionContext context)
        {
            probe.Record(records, context.Attempt);
            if (records.Any(r => r.DataAsString().StartsWith("bad", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException("bad record");
            }

            foreach (var record in records)
            {
                probe.Accepted.Add(record.DataAsString());
            }
        }
    }

    [Fact]
    public async Task AStreamDestination_GetsLambdasOnFailureRecord_PointingAtThePayloads_WhichRedriveReturnsToAStream()
    {
        var probe = new Probe();
        await using var host = await TriggerTestHost.StartAsync([typeof(StreamDestinationFunctions)], null, s => s.AddSingleton(probe),
            beforeTriggers: streams => streams.CreateStreamAsync("work", 1, null, CancellationToken.None));
        await host.PutAsync("work", [("pk-bad", "bad-1")]);
        await TriggerTestHost.EventuallyAsync(() => probe.Invocations.Count >= 2, "the failing batch is retried once");
        await host.PutAsync("work", [("pk", "good-1")]);
        await TriggerTestHost.EventuallyAsync(() => probe.Accepted.Contains("good-1"), "the shard moves on after the failure");

        var iterator = await host.Streams.GetShardIteratorAsync("dead-letters", "shardId-000000000000", "TRIM_HORIZON", null, null, CancellationToken.None);
        var read = await host.Streams.GetRecordsAsync(iterator, 10, CancellationToken.None);
        var record = JsonSerializer.Deserialize<FailureRecord>(Assert.Single(read.Records).Record.Data.Span)!;
        Assert.Equal(2, record.RequestContext.ApproximateInvokeCount);
        Assert.Equal("Unhandled", record.ResponseContext.FunctionError);
        Assert.Null(record.Records);
        Assert.StartsWith(StreamFailureDestination.PayloadContainer + "/ToStreamDestination/", record.PayloadLocation, StringComparison.Ordinal);

        await host.Streams.CreateStreamAsync("redriven", 1, null, CancellationToken.None);
        var count = await host.Services.GetRequiredService<FailureRedriver>().RedriveAsync("dead-letters", "redriven", CancellationToken.None);
        Assert.Equal(1, count);
        var again = await host.Streams.GetRecordsAsync(await host.Streams.GetShardIteratorAsync("redriven", "shardId-000000000000", "TRIM_HORIZON", null, null, CancellationToken.None), 10, CancellationToken.None);
        var redriven = Assert.Single(again.Records);
        Assert.Equal("bad-1", System.Text.Encoding.UTF8.GetString(redriven.Record.Data.Span));
        Assert.Equal("pk-bad", redriven.Record.PartitionKey);
    }

    public sealed class PartialFunctions(Probe probe)
    {
        [Function("Partial")]
        public StreamBatchResponse Run([StreamTrigger("partial", FunctionResponseTypes = "ReportBatchItemFailures")] StreamRecord[] records, FunctionContext context)
        {
            probe.Record(records, context.Attempt);
            var failing = probe.Invocations.Count == 1 ? records.Where(r => r.DataAsString() == "r5").ToArray() : [];
            foreach (var record in records.TakeWhile(r => !failing.Contains(r)))
            {
                probe.Accepted.Add(record.DataAsString());
            }

            return StreamBatchResponse.Failed(failing);
        }
    }

    [Fact]
    public async Task AReportedItemFailure_CheckpointsBelowIt_AndTheNextInvocationStartsAtIt()
    {
        var probe = new Probe();
        await using var host = await TriggerTestHost.StartAsync([typeof(PartialFunctions)], null, s => s.AddSingleton(probe), beforeTriggers: async streams =>
        {
            await streams.CreateStreamAsync("partial", 1, null, CancellationToken.None);
            await streams.PutRecordsAsync("partial", [.. Enumerable.Range(0, 10).Select(i => new Platform.Streams.Service.PutRecordInput("k", null, System.Text.Encoding.UTF8.GetBytes("r" + i.ToString(CultureInfo.InvariantCulture))))], CancellationToken.None);
        });

        await TriggerTestHost.EventuallyAsync(() => probe.Accepted.Count >= 10, "every record is accepted");

        var invocations = probe.Invocations.ToArray();
        Assert.Equal(10, invocations[0].Data.Length);
        Assert.Equal("r5", invocations[1].Data[0]);
        Assert.Equal(2, invocations[1].Attempt);
        Assert.Equal(2, invocations.Length);
    }

    public sealed class SingleRecordFunctions(Probe probe)
    {
        [Function("OneAtATime")]
        public void Run([StreamTrigger("single", MaximumRetryAttempts = 0)] StreamRecord record)
        {
            probe.Record([record], 1);
            if (record.DataAsString() == "r3" && !probe.Fail)
            {
                probe.Fail = true;
                throw new InvalidOperationException("once");
            }

            probe.Accepted.Add(record.DataAsString());
        }
    }

    [Fact]
    public async Task AOneRecordFunction_IsInvokedPerRecord_AndAFailureRetriesFromThatRecordOnly()
    {
        var probe = new Probe();
        await using var host = await TriggerTestHost.StartAsync([typeof(SingleRecordFunctions)], null, s => s.AddSingleton(probe), beforeTriggers: async streams =>
        {
            await streams.CreateStreamAsync("single", 1, null, CancellationToken.None);
            await streams.PutRecordsAsync("single", [.. Enumerable.Range(0, 6).Select(i => new Platform.Streams.Service.PutRecordInput("k", null, System.Text.Encoding.UTF8.GetBytes("r" + i.ToString(CultureInfo.InvariantCulture))))], CancellationToken.None);
        });

        // MaximumRetryAttempts = 0 and the failure gives r3 up; r0-r2 were accepted before it and r4, r5 after.
        await TriggerTestHost.EventuallyAsync(() => probe.Accepted.Count >= 5, "the other records are delivered");

        Assert.Equal(["r0", "r1", "r2", "r3", "r4", "r5"], probe.Invocations.Select(i => Assert.Single(i.Data)));
        Assert.DoesNotContain("r3", probe.Accepted);
    }

    public sealed record Order(string OrderId, decimal Amount);

    public sealed class PocoFunctions(Probe probe)
    {
        [Function("Pocos")]
        public void Run([StreamTrigger("pocos", BisectBatchOnFunctionError = true, MaximumRetryAttempts = 0, OnFailure = "blob:poco-failures")] Order[] orders)
        {
            foreach (var order in orders)
            {
                probe.Accepted.Add(order.OrderId);
            }
        }
    }

    [Fact]
    public async Task TypedRecords_AreDeserializedFromJson_AndAMalformedOneIsAFunctionErrorThatBisectIsolates()
    {
        var probe = new Probe();
        await using var host = await TriggerTestHost.StartAsync([typeof(PocoFunctions)], null, s => s.AddSingleton(probe), beforeTriggers: async streams =>
        {
            await streams.CreateStreamAsync("pocos", 1, null, CancellationToken.None);
            var records = Enumerable.Range(0, 8).Select(i => i == 6 ? "{\"orderId\": 12, \"amount\": " : $"{{\"orderId\":\"o{i}\",\"amount\":{i}.5}}");
            await streams.PutRecordsAsync("pocos", [.. records.Select(r => new Platform.Streams.Service.PutRecordInput("k", null, System.Text.Encoding.UTF8.GetBytes(r)))], CancellationToken.None);
        });

        await TriggerTestHost.EventuallyAsync(() => probe.Accepted.Count >= 7, "the well-formed orders are delivered");
        await TriggerTestHost.EventuallyAsync(async () => (await host.Store.ListBlobsAsync("poco-failures")).Items.Count > 0, "the malformed one is dead-lettered");

        var failure = Assert.Single(await FailureBlobsAsync(host.Store, "poco-failures"));
        Assert.Equal("DeserializationError", failure.ResponseContext.FunctionError);
        Assert.Equal(1, failure.KinesisBatchInfo.BatchSize);
        Assert.Equal(7, probe.Accepted.Distinct().Count());
    }
}
