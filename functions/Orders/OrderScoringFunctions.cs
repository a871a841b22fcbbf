using System.Text;
using System.Text.Json;
using Platform.Runtime.Functions;
using Platform.Storage;
using Platform.Triggers;

namespace Platform.Functions.Orders;

/// <summary>
/// The transaction-scoring use case: score each order (category, amount tier, anomaly score) and write the batch's
/// scores as JSON lines to the <c>order-scores</c> blob container. Malformed events are reported as failed items;
/// after two retries they land, with their payloads, in the <c>orders-failures</c> container, and the shard moves on.
/// Re-drive them later with <c>dotnet run --project functions -- redrive blob:orders-failures orders</c>.
/// </summary>
public sealed class OrderScoringFunctions(IBlobStore store)
{
    public const string ScoresContainer = "order-scores";
    private static volatile bool _containerReady;

    [Function("ScoreOrders")]
    public async Task<StreamBatchResponse> RunAsync(
        [StreamTrigger("orders", BatchSize = 100, BisectBatchOnFunctionError = true, MaximumRetryAttempts = 2,
                       FunctionResponseTypes = "ReportBatchItemFailures", OnFailure = "blob:orders-failures")]
        IReadOnlyList<StreamRecord> records,
        FunctionContext context,
        CancellationToken cancellationToken)
    {
        // Processing resumes from the lowest reported record, so stop at the first malformed one: scoring the rest now
        // would only score them again on the retry.
        StreamRecord? malformed = null;
        var lines = new StringBuilder();
        foreach (var record in records)
        {
            Order? order;
            try
            {
                order = record.Deserialize<Order>();
            }
            catch (JsonException)
            {
                order = null;
            }

            if (order is null || string.IsNullOrEmpty(order.OrderId))
            {
                malformed = record;
                break;
            }

            lines.AppendLine(JsonSerializer.Serialize(OrderScorer.Score(order, record.SequenceNumber), JsonSerializerOptions.Web));
        }

        if (lines.Length > 0)
        {
            if (!_containerReady)
            {
                await store.CreateContainerIfNotExistsAsync(ScoresContainer, cancellationToken);
                _containerReady = true;
            }

            var name = $"{records[0].ShardId}/{records[0].SequenceNumber}.jsonl";
            await store.PutBlockBlobAsync(new BlobPath(ScoresContainer, name), Encoding.UTF8.GetBytes(lines.ToString()), new PutBlobOptions { ContentType = "application/x-ndjson" }, cancellationToken);
        }

        return malformed is null ? new StreamBatchResponse() : StreamBatchResponse.Failed(malformed);
    }
}
