using System.Globalization;
using System.Text.Json;
using Platform.Functions.Clickstream;
using Platform.Functions.Orders;
using Platform.Streams.Client;
using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Model;
using Platform.Streams.Client.Producer;

namespace Platform.Functions.Commands;

/// <summary>
/// <c>produce clickstream|orders [--rate N] [--seconds S] [--endpoint URL] [--malformed P]</c>: generates events
/// into a stream through the platform's Kinesis API with the .NET producer (KPL-style batching), creating the
/// stream when it does not exist. Orders include a share of malformed events to show dead-lettering.
/// </summary>
public static class ProduceCommand
{
    private static readonly string[] Pages = ["/", "/search", "/product/42", "/product/7", "/cart", "/checkout", "/account"];
    private static readonly string[] Categories = ["books", "electronics", "garden", "gift-cards", "toys"];
    private static readonly string[] Countries = ["US", "GB", "DE", "BR", "NG", "JP", "SE"];

    public static async Task<int> RunAsync(string[] args)
    {
        var kind = args.Length > 0 ? args[0] : "clickstream";
        if (kind is not ("clickstream" or "orders"))
        {
            await Console.Error.WriteLineAsync("usage: produce clickstream|orders [--rate N] [--seconds S] [--endpoint URL] [--malformed PERCENT]");
            return 2;
        }

        var rate = Option(args, "--rate", 100);
        var seconds = Option(args, "--seconds", 30);
        var malformed = Option(args, "--malformed", 2);
        var endpoint = new Uri(OptionText(args, "--endpoint") ?? "http://localhost:4566");
        using var http = new HttpClient();
        var client = new KinesisClient(http, endpoint, new AwsCredentials("local", "local"));
        try
        {
            await client.CreateStreamAsync(new CreateStreamRequest { StreamName = kind, ShardCount = 2 });
            await Console.Out.WriteLineAsync($"created stream {kind} with 2 shards");
        }
        catch (KinesisException e) when (e.ErrorType == KinesisErrorTypes.ResourceInUse)
        {
        }
        catch (KinesisException e)
        {
            await Console.Error.WriteLineAsync($"produce: cannot reach the platform at {endpoint} ({e.Message}); start it with `dotnet run --project functions` first.");
            return 1;
        }

        await using var producer = new KinesisProducer(client, new KinesisProducerOptions { StreamName = kind });
        var random = new Random();
        var started = DateTimeOffset.UtcNow;
        var sent = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(seconds) && await timer.WaitForNextTickAsync())
        {
            for (var i = 0; i < Math.Max(1, rate / 10); i++)
            {
                var (key, data) = kind == "clickstream" ? Click(random) : OrderEvent(random, malformed);
                _ = await producer.EnqueueAsync(key, data);
                sent++;
            }
        }

        await producer.FlushAsync();
        var statistics = producer.Statistics;
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"sent {sent} {kind} events to {endpoint}: {statistics}"));
        return 0;
    }

    private static (string Key, byte[] Data) Click(Random random)
    {
        var session = "s" + random.Next(1000).ToString(CultureInfo.InvariantCulture);
        var page = Pages[random.Next(Pages.Length)];
        var type = page == "/checkout" && random.Next(4) == 0 ? "checkout_submit" : "page_view";
        return (session, JsonSerializer.SerializeToUtf8Bytes(new ClickEvent(session, page, type, DateTimeOffset.UtcNow, "sample-producer"), JsonSerializerOptions.Web));
    }

    private static (string Key, byte[] Data) OrderEvent(Random random, int malformedPercent)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        if (random.Next(100) < malformedPercent)
        {
            return (id, System.Text.Encoding.UTF8.GetBytes("{\"orderId\": \"" + id + "\", \"amount\": \"not a number\""));
        }

        var order = new Order(id, "c" + random.Next(500).ToString(CultureInfo.InvariantCulture), Math.Round((decimal)(random.NextDouble() * random.NextDouble() * 6000), 2), "USD",
            Categories[random.Next(Categories.Length)], Countries[random.Next(Countries.Length)], DateTimeOffset.UtcNow);
        return (order.CustomerId, JsonSerializer.SerializeToUtf8Bytes(order, JsonSerializerOptions.Web));
    }

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text && int.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value : fallback;

    private static string? OptionText(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
