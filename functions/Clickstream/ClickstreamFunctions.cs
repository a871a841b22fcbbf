using Platform.Runtime.Functions;
using Platform.Triggers;

namespace Platform.Functions.Clickstream;

/// <summary>
/// The clickstream use case of the Kinesis guides: count page views per page over one-second windows of events,
/// and raise an alert for every submitted checkout. Run <c>dotnet run --project functions -- produce clickstream</c>
/// and watch <c>GET /samples/clickstream</c>.
/// </summary>
public sealed partial class ClickstreamFunctions(PageViewCounter counter, ILogger<ClickstreamFunctions> logger)
{
    [Function("CountPageViews")]
    public void CountPageViews(
        [StreamTrigger("clickstream", BatchSize = 500, MaximumBatchingWindowInSeconds = 1)] ClickEvent[] events,
        FunctionContext context)
    {
        foreach (var click in events)
        {
            if (click.Type == "page_view")
            {
                counter.Count(click.Page);
            }
        }

        Log.Counted(context.Logger, events.Length, context.TriggerMetadata["ShardId"]);
    }

    [Function("CheckoutAlerts")]
    public Task CheckoutAlertsAsync([StreamTrigger("clickstream", StartingPosition = "LATEST")] ClickEvent click, CancellationToken cancellationToken)
    {
        if (click.Type == "checkout_submit")
        {
            counter.Checkout();
            Log.CheckoutSubmitted(logger, click.SessionId, click.Page);
        }

        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9001, Level = LogLevel.Debug, Message = "Counted {Count} clicks from shard {Shard}")]
        public static partial void Counted(ILogger logger, int count, object? shard);

        [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "ALERT checkout submitted: session {Session} on {Page}")]
        public static partial void CheckoutSubmitted(ILogger logger, string session, string page);
    }
}
