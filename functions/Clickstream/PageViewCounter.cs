using System.Collections.Concurrent;

namespace Platform.Functions.Clickstream;

/// <summary>Page views per page and checkout alerts, kept in memory and shown at <c>GET /samples/clickstream</c>.</summary>
public sealed class PageViewCounter
{
    private readonly ConcurrentDictionary<string, long> _views = new(StringComparer.Ordinal);
    private long _checkouts;

    public void Count(string page) => _views.AddOrUpdate(page, 1, static (_, n) => n + 1);

    public void Checkout() => Interlocked.Increment(ref _checkouts);

    public object Snapshot() => new
    {
        pageViews = _views.OrderByDescending(p => p.Value).ToDictionary(p => p.Key, p => p.Value),
        checkoutAlerts = Interlocked.Read(ref _checkouts),
    };
}
