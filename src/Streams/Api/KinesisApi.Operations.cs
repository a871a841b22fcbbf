using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Platform.Streams.Control;
using Platform.Streams.Log;
using Platform.Streams.Service;

namespace Platform.Streams.Api;

public static partial class KinesisApi
{
    private static async Task DispatchAsync(HttpContext context, StreamService service, string operation, Memory<byte> body, CancellationToken ct)
    {
        var options = service.Options;
        switch (operation)
        {
            case "PutRecords":
                await PutRecordsAsync(context, service, body, ct);
                return;

            case "PutRecord":
            {
                var request = Parse(body, KinesisJson.Wire.PutRecordRequest);
                var name = StreamNames.Resolve(options, request.StreamName, request.StreamARN);
                if (request.SequenceNumberForOrdering is not null && !SequenceNumber.TryParse(request.SequenceNumberForOrdering, out _, out var error))
                {
                    throw KinesisErrors.InvalidArgument($"SequenceNumberForOrdering is invalid. {error}");
                }

                var outcome = await service.PutRecordAsync(name, new PutRecordInput(request.PartitionKey, request.ExplicitHashKey, request.Data ?? throw KinesisErrors.Constraint("data", "null", "Member must not be null")), ct);
                await WriteAsync(context, new PutRecordResponse(outcome.ShardId!, outcome.SequenceNumber.ToString(), "NONE"), KinesisJson.Wire.PutRecordResponse, ct);
                return;
            }

            case "GetRecords":
                await GetRecordsAsync(context, service, body, cbor: false, ct);
                return;

            case "GetShardIterator":
            {
                var request = Parse(body, KinesisJson.Wire.GetShardIteratorRequest);
                var name = StreamNames.Resolve(options, request.StreamName, request.StreamARN);
                var iterator = await service.GetShardIteratorAsync(name, request.ShardId, request.ShardIteratorType, request.StartingSequenceNumber, request.Timestamp, ct);
                await WriteAsync(context, new GetShardIteratorResponse(iterator), KinesisJson.Wire.GetShardIteratorResponse, ct);
                return;
            }

            case "CreateStream":
            {
                var request = Parse(body, KinesisJson.Wire.CreateStreamRequest);
                if (request.StreamModeDetails is { StreamMode: not "PROVISIONED" and not "ON_DEMAND" })
                {
                    throw KinesisErrors.Constraint("streamModeDetails.streamMode", request.StreamModeDetails.StreamMode, "Member must satisfy enum value set: [ON_DEMAND, PROVISIONED]");
                }

                // ON_DEMAND streams start with 4 shards, as Kinesis does.
                var shards = request.ShardCount ?? (request.StreamModeDetails?.StreamMode == "ON_DEMAND" ? 4 : 1);
                StreamNames.Validate(request.StreamName, "streamName");
                await service.CreateStreamAsync(request.StreamName!, shards, request.Tags, ct, request.StreamModeDetails?.StreamMode ?? "PROVISIONED");
                await WriteEmptyAsync(context);
                return;
            }

            case "DeleteStream":
            {
                var request = Parse(body, KinesisJson.Wire.DeleteStreamRequest);
                await service.DeleteStreamAsync(StreamNames.Resolve(options, request.StreamName, request.StreamARN), request.EnforceConsumerDeletion ?? false, ct);
                await WriteEmptyAsync(context);
                return;
            }

            case "DescribeStream":
            {
                var request = Parse(body, KinesisJson.Wire.DescribeStreamRequest);
                var document = await service.DescribeAsync(StreamNames.Resolve(options, request.StreamName, request.StreamARN), ct);
                // Kinesis: at most 100 shards an answer, whatever more is asked for (1 to 10,000 is valid).
                var limit = Math.Min(CheckRange(request.Limit, 100, 1, 10_000, "limit"), 100);
                var shards = document.Shards.Where(s => request.ExclusiveStartShardId is null || string.CompareOrdinal(s.ShardId, request.ExclusiveStartShardId) > 0).ToList();
                await WriteAsync(context, new DescribeStreamResponse(new StreamDescriptionOut
                {
                    StreamName = document.Name,
                    StreamARN = StreamNames.StreamArn(options, document.Name),
                    StreamStatus = document.Status,
                    StreamModeDetails = new StreamModeDetails(document.StreamMode),
                    Shards = [.. shards.Take(limit).Select(ToShard)],
                    HasMoreShards = shards.Count > limit,
                    RetentionPeriodHours = document.RetentionHours,
                    StreamCreationTimestamp = document.CreatedAt,
                }), KinesisJson.Wire.DescribeStreamResponse, ct);
                return;
            }

            case "DescribeStreamSummary":
            {
                var request = Parse(body, KinesisJson.Wire.StreamRef);
                var document = await service.DescribeAsync(StreamNames.Resolve(options, request.StreamName, request.StreamARN), ct);
                await WriteAsync(context, new DescribeStreamSummaryResponse(new StreamDescriptionSummaryOut
                {
                    StreamName = document.Name,
                    StreamARN = StreamNames.StreamArn(options, document.Name),
                    StreamStatus = document.Status,
                    StreamModeDetails = new StreamModeDetails(document.StreamMode),
                    RetentionPeriodHours = document.RetentionHours,
                    StreamCreationTimestamp = document.CreatedAt,
                    OpenShardCount = document.OpenShards.Count(),
                    ConsumerCount = document.Consumers.Count,
                }), KinesisJson.Wire.DescribeStreamSummaryResponse, ct);
                return;
            }

            case "ListStreams":
            {
                var request = Parse(body, KinesisJson.Wire.ListStreamsRequest);
                // Kinesis: at most 100 streams an answer, whatever more is asked for (1 to 10,000 is valid).
                var limit = Math.Min(CheckRange(request.Limit, 100, 1, 10_000, "limit"), 100);
                var after = request.NextToken is not null ? DecodeToken(request.NextToken, "NextToken") : request.ExclusiveStartStreamName;
                var names = (await service.ListStreamNamesAsync(ct)).Where(n => after is null || string.CompareOrdinal(n, after) > 0).ToList();
                var page = names.Take(limit).ToList();
                var summaries = new List<StreamSummaryOut>(page.Count);
                foreach (var name in page)
                {
                    try
                    {
                        var d = await service.DescribeAsync(name, ct);
                        summaries.Add(new StreamSummaryOut(d.Name, StreamNames.StreamArn(options, d.Name), d.Status, new StreamModeDetails(d.StreamMode), d.CreatedAt));
                    }
                    catch (KinesisException e) when (e.ErrorType == KinesisErrors.ResourceNotFound)
                    {
                        // Deleted since the listing.
                    }
                }

                var more = names.Count > limit;
                await WriteAsync(context, new ListStreamsResponse
                {
                    StreamNames = page,
                    HasMoreStreams = more,
                    NextToken = more ? EncodeToken(page[^1]) : null,
                    StreamSummaries = summaries,
                }, KinesisJson.Wire.ListStreamsResponse, ct);
                return;
            }

            case "ListShards":
            {
                var request = Parse(body, KinesisJson.Wire.ListShardsRequest);
                await ListShardsAsync(context, service, request, ct);
                return;
            }

            case "SplitShard":
            {
                var request = Parse(body, KinesisJson.Wire.SplitShardRequest);
                await service.SplitShardAsync(StreamNames.Resolve(options, request.StreamName, request.StreamARN), request.ShardToSplit, request.NewStartingHashKey, ct);
                await WriteEmptyAsync(context);
                return;
            }

            case "MergeShards":
            {
                var request = Parse(body, KinesisJson.Wire.MergeShardsRequest);
                await service.MergeShardsAsync(StreamNames.Resolve(options, request.StreamName, request.StreamARN), request.ShardToMerge, request.AdjacentShardToMerge, ct);
                await WriteEmptyAsync(context);
                return;
            }

            case "UpdateShardCount":
            {
                var request = Parse(body, KinesisJson.Wire.UpdateShardCountRequest);
                var name = StreamNames.Resolve(options, request.StreamName, request.StreamARN);
                var (current, target) = await service.UpdateShardCountAsync(name, request.TargetShardCount ?? throw KinesisErrors.Constraint("targetShardCount", "null", "Member must not be null"), request.ScalingType, ct);
                await WriteAsync(context, new UpdateShardCountResponse(name, current, target, StreamNames.StreamArn(options, name)), KinesisJson.Wire.UpdateShardCountResponse, ct);
                return;
            }

            case "IncreaseStreamRetentionPeriod" or "DecreaseStreamRetentionPeriod":
            {
                var request = Parse(body, KinesisJson.Wire.RetentionRequest);
                var hours = request.RetentionPeriodHours ?? throw KinesisErrors.Constraint("retentionPeriodHours", "null", "Member must not be null");
                await service.SetRetentionAsync(StreamNames.Resolve(options, request.StreamName, request.StreamARN), hours, operation.StartsWith("Increase", StringComparison.Ordinal), ct);
                await WriteEmptyAsync(context);
                return;
            }

            case "AddTagsToStream":
            {
                var request = Parse(body, KinesisJson.Wire.AddTagsRequest);
                await service.AddTagsAsync(StreamNames.Resolve(options, request.StreamName, request.StreamARN), request.Tags ?? throw KinesisErrors.Constraint("tags", "null", "Member must not be null"), ct);
                await WriteEmptyAsync(context);
                return;
            }

            case "RemoveTagsFromStream":
            {
                var request = Parse(body, KinesisJson.Wire.RemoveTagsRequest);
                await service.RemoveTagsAsync(StreamNames.Resolve(options, request.StreamName, request.StreamARN), request.TagKeys ?? throw KinesisErrors.Constraint("tagKeys", "null", "Member must not be null"), ct);
                await WriteEmptyAsync(context);
                return;
            }

            case "ListTagsForStream":
            {
                var request = Parse(body, KinesisJson.Wire.ListTagsRequest);
                var document = await service.DescribeAsync(StreamNames.Resolve(options, request.StreamName, request.StreamARN), ct);
                var limit = CheckRange(request.Limit, 50, 1, 50, "limit");
                var tags = document.Tags.OrderBy(t => t.Key, StringComparer.Ordinal)
                    .Where(t => request.ExclusiveStartTagKey is null || string.CompareOrdinal(t.Key, request.ExclusiveStartTagKey) > 0).ToList();
                await WriteAsync(context, new ListTagsResponse([.. tags.Take(limit).Select(t => new TagOut(t.Key, t.Value))], tags.Count > limit), KinesisJson.Wire.ListTagsResponse, ct);
                return;
            }

            case "RegisterStreamConsumer":
            {
                var request = Parse(body, KinesisJson.Wire.ConsumerRequest);
                var stream = StreamNames.ParseStreamArn(options, request.StreamARN ?? throw KinesisErrors.Constraint("streamARN", "null", "Member must not be null"));
                var consumer = await service.RegisterConsumerAsync(stream, request.ConsumerName!, ct);
                await WriteAsync(context, new RegisterConsumerResponse(new ConsumerOut(consumer.Name, consumer.Arn, consumer.Status, consumer.CreatedAt)), KinesisJson.Wire.RegisterConsumerResponse, ct);
                return;
            }

            case "DescribeStreamConsumer":
            {
                var request = Parse(body, KinesisJson.Wire.ConsumerRequest);
                var (stream, consumerName) = ResolveConsumer(options, request);
                var (document, consumer) = await service.DescribeConsumerAsync(stream, consumerName, ct);
                RequireSameConsumer(request, consumer);
                await WriteAsync(context, new DescribeConsumerResponse(new ConsumerDescriptionOut(consumer.Name, consumer.Arn, consumer.Status, consumer.CreatedAt, StreamNames.StreamArn(options, document.Name))), KinesisJson.Wire.DescribeConsumerResponse, ct);
                return;
            }

            case "DeregisterStreamConsumer":
            {
                var request = Parse(body, KinesisJson.Wire.ConsumerRequest);
                var (stream, consumerName) = ResolveConsumer(options, request);
                if (request.ConsumerARN is not null)
                {
                    RequireSameConsumer(request, (await service.DescribeConsumerAsync(stream, consumerName, ct)).Consumer);
                }

                await service.DeregisterConsumerAsync(stream, consumerName, ct);
                await WriteEmptyAsync(context);
                return;
            }

            case "ListStreamConsumers":
            {
                var request = Parse(body, KinesisJson.Wire.ListConsumersRequest);
                var stream = StreamNames.ParseStreamArn(options, request.StreamARN ?? throw KinesisErrors.Constraint("streamARN", "null", "Member must not be null"));
                var document = await service.DescribeAsync(stream, ct);
                // Kinesis: at most 100 consumers an answer, whatever more is asked for (1 to 10,000 is valid).
                var limit = Math.Min(CheckRange(request.MaxResults, 100, 1, 10_000, "maxResults"), 100);
                var after = request.NextToken is null ? null : DecodeToken(request.NextToken, "NextToken");
                var consumers = document.Consumers.OrderBy(c => c.Name, StringComparer.Ordinal).Where(c => after is null || string.CompareOrdinal(c.Name, after) > 0).ToList();
                var page = consumers.Take(limit).ToList();
                await WriteAsync(context, new ListConsumersResponse([.. page.Select(c => new ConsumerOut(c.Name, c.Arn, c.Status, c.CreatedAt))], consumers.Count > limit ? EncodeToken(page[^1].Name) : null), KinesisJson.Wire.ListConsumersResponse, ct);
                return;
            }

            default:
                throw new KinesisException(KinesisErrors.UnknownOperation, $"Operation {operation} is not supported by this Kinesis endpoint.");
        }
    }

    private static async Task ListShardsAsync(HttpContext context, StreamService service, ListShardsRequest request, CancellationToken ct)
    {
        var options = service.Options;
        string name;
        string? after;
        ShardFilter? filter;
        if (request.NextToken is not null)
        {
            if (request.StreamName is not null)
            {
                throw KinesisErrors.InvalidArgument("NextToken and StreamName cannot be provided together.");
            }

            if (request.ExclusiveStartShardId is not null)
            {
                throw KinesisErrors.InvalidArgument("NextToken and ExclusiveStartShardId cannot be provided together.");
            }

            // The token names the stream and carries the first page's filter: later pages send only the token (the KCL does).
            var token = DecodeToken(request.NextToken, "NextToken").Split('\n');
            if (token.Length != 5 || !long.TryParse(token[4], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var filterMs)
                || (filterMs != long.MinValue && (filterMs < MinUnixMilliseconds || filterMs > MaxUnixMilliseconds)))
            {
                throw KinesisErrors.InvalidArgument("NextToken is not a token ListShards returned.");
            }

            (name, after) = (token[0], token[1]);
            filter = token[2].Length == 0 ? null : new ShardFilter
            {
                Type = token[2],
                ShardId = token[3].Length == 0 ? null : token[3],
                Timestamp = filterMs == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(filterMs),
            };
            if (request.StreamARN is not null && StreamNames.ParseStreamArn(options, request.StreamARN) != name)
            {
                throw KinesisErrors.InvalidArgument("NextToken belongs to another stream than StreamARN.");
            }
        }
        else
        {
            name = StreamNames.Resolve(options, request.StreamName, request.StreamARN);
            after = request.ExclusiveStartShardId;
            filter = request.ShardFilter;
            CheckShardIdMember(after, "exclusiveStartShardId");
            CheckShardIdMember(filter?.ShardId, "shardFilter.shardId");
        }

        // Kinesis: at most 1,000 shards a page, whatever more is asked for (1 to 10,000 is valid).
        var limit = Math.Min(CheckRange(request.MaxResults, 1000, 1, 10_000, "maxResults"), 1000);
        var document = await service.DescribeAsync(name, ct);
        var shards = ShardsMatching(document, filter, service.Now);
        var list = shards.Where(s => after is null || string.CompareOrdinal(s.ShardId, after) > 0).ToList();
        var page = list.Take(limit).ToList();
        var next = list.Count > limit
            ? EncodeToken(string.Join('\n', name, page[^1].ShardId, filter?.Type ?? string.Empty, filter?.ShardId ?? string.Empty,
                (filter?.Timestamp?.ToUnixTimeMilliseconds() ?? long.MinValue).ToString(CultureInfo.InvariantCulture)))
            : null;
        await WriteAsync(context, new ListShardsResponse([.. page.Select(ToShard)], next), KinesisJson.Wire.ListShardsResponse, ct);
    }

    private static readonly long MinUnixMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>A shard id member as Kinesis constrains it: 1 to 128 of [a-zA-Z0-9_.-].</summary>
    private static void CheckShardIdMember(string? value, string member)
    {
        if (value is not null && (value.Length is 0 or > 128 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')))
        {
            throw KinesisErrors.Constraint(member, value, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 1 and 128");
        }
    }

    /// <summary>
    /// The shards a ListShards ShardFilter selects (AWS's ShardFilter reference). A shard is open from its creation (the
    /// stream's, for the first shards) until it was closed; the trim horizon is now less the retention period.
    /// AT_TRIM_HORIZON and AT_TIMESTAMP give the shards open at that moment, the roots from which ChildShards lead on;
    /// FROM_ gives every shard open at or after it; AT_LATEST the open ones; AFTER_SHARD_ID those listed after an id.
    /// </summary>
    internal static IEnumerable<ShardEntry> ShardsMatching(StreamDocument document, ShardFilter? filter, DateTimeOffset now)
    {
        var trimHorizon = now - TimeSpan.FromHours(document.RetentionHours);
        DateTimeOffset OpenedAt(ShardEntry s) => s.ParentShardId is null ? document.CreatedAt : s.CreatedAt;
        bool OpenAt(ShardEntry s, DateTimeOffset moment) => OpenedAt(s) <= moment && (s.ClosedAt is null || s.ClosedAt >= moment);
        bool OpenSince(ShardEntry s, DateTimeOffset moment) => s.ClosedAt is null || s.ClosedAt >= moment;
        IEnumerable<ShardEntry> shards = document.Shards;
        switch (filter?.Type)
        {
            case null:
                return shards;
            case "AT_TRIM_HORIZON":
                // Before the stream existed its first shards are what is open at the trim horizon.
                var horizon = trimHorizon < document.CreatedAt ? document.CreatedAt : trimHorizon;
                return shards.Where(s => OpenAt(s, horizon));
            case "FROM_TRIM_HORIZON":
                return shards.Where(s => OpenSince(s, trimHorizon));
            case "AT_LATEST":
                return shards.Where(s => !s.IsClosed);
            case "AFTER_SHARD_ID":
                var from = filter.ShardId ?? throw KinesisErrors.InvalidArgument("ShardFilter AFTER_SHARD_ID needs a ShardId.");
                return shards.Where(s => string.CompareOrdinal(s.ShardId, from) > 0);
            case "AT_TIMESTAMP":
                var at = filter.Timestamp ?? throw KinesisErrors.InvalidArgument("ShardFilter AT_TIMESTAMP needs a Timestamp.");
                var moment = at < document.CreatedAt ? document.CreatedAt : at;
                return shards.Where(s => OpenAt(s, moment));
            case "FROM_TIMESTAMP":
                var since = filter.Timestamp ?? throw KinesisErrors.InvalidArgument("ShardFilter FROM_TIMESTAMP needs a Timestamp.");
                return shards.Where(s => OpenSince(s, since));
            default:
                throw KinesisErrors.Constraint("shardFilter.type", filter.Type, "Member must satisfy enum value set: [AT_TRIM_HORIZON, AT_TIMESTAMP, FROM_TRIM_HORIZON, AT_LATEST, FROM_TIMESTAMP, AFTER_SHARD_ID]");
        }
    }

    /// <summary>
    /// A consumer ARN ends in its registration time, so an ARN kept from before the consumer was deregistered and
    /// registered again under the same name names a consumer that no longer exists (as SubscribeToShard also holds).
    /// </summary>
    private static void RequireSameConsumer(ConsumerRequest request, ConsumerEntry consumer)
    {
        if (request.ConsumerARN is not null && request.ConsumerARN != consumer.Arn)
        {
            throw new KinesisException(KinesisErrors.ResourceNotFound, $"Consumer {request.ConsumerARN} not found.");
        }
    }

    private static (string Stream, string Consumer) ResolveConsumer(StreamsOptions options, ConsumerRequest request)
    {
        if (request.ConsumerARN is not null)
        {
            return StreamNames.ParseConsumerArn(options, request.ConsumerARN);
        }

        if (request.StreamARN is null || request.ConsumerName is null)
        {
            throw KinesisErrors.InvalidArgument("Provide ConsumerARN, or both StreamARN and ConsumerName.");
        }

        return (StreamNames.ParseStreamArn(options, request.StreamARN), request.ConsumerName);
    }

    private static int CheckRange(int? value, int fallback, int min, int max, string member)
    {
        var v = value ?? fallback;
        if (v < min || v > max)
        {
            throw KinesisErrors.Constraint(member, v.ToString(CultureInfo.InvariantCulture), $"Member must have value between {min} and {max}");
        }

        return v;
    }

    private static string EncodeToken(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    private static string DecodeToken(string token, string member)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw KinesisErrors.InvalidArgument($"{member} is not a token this service returned.");
        }
    }

    internal static List<RecordOut> ToRecords(IReadOnlyList<ShardRecord> records)
    {
        var result = new List<RecordOut>(records.Count);
        foreach (var r in records)
        {
            result.Add(new RecordOut(r.SequenceNumber.ToString(), r.Record.ArrivalTime, r.Record.Data, r.Record.PartitionKey));
        }

        return result;
    }

    internal static List<ChildShardOut> ToChildren(IReadOnlyList<ChildShardInfo> children) =>
        [.. children.Select(c => new ChildShardOut(c.ShardId, c.ParentShards, new HashKeyRangeOut(Routing.HashKey.Format(c.Range.Start), Routing.HashKey.Format(c.Range.End))))];

    private static ShardOut ToShard(ShardEntry s) =>
        new(s.ShardId, s.ParentShardId, s.AdjacentParentShardId, new HashKeyRangeOut(s.StartingHashKey, s.EndingHashKey), new SequenceNumberRangeOut(ShardEntry.StartingSequenceNumber, s.EndingSequenceNumber));
}
