namespace Platform.Functions.Orders;

/// <summary>Pure scoring rules: event category, amount tier and a simple anomaly score (large amounts, unusual
/// countries and categories score higher).</summary>
public static class OrderScorer
{
    private static readonly HashSet<string> UsualCountries = new(StringComparer.OrdinalIgnoreCase) { "US", "GB", "DE", "FR", "NL", "SE", "JP" };

    public static OrderScore Score(Order order, string sequenceNumber)
    {
        var tier = order.Amount switch
        {
            < 20m => "small",
            < 200m => "medium",
            < 2000m => "large",
            _ => "very-large",
        };
        var score = Math.Min(1.0, (double)order.Amount / 5000.0);
        if (!UsualCountries.Contains(order.Country))
        {
            score += 0.3;
        }

        if (order.Category is "gift-cards" or "electronics")
        {
            score += 0.2;
        }

        score = Math.Round(Math.Min(score, 1.0), 3);
        var category = order.Amount <= 0 ? "refund" : "purchase";
        return new OrderScore(order.OrderId, sequenceNumber, category, tier, score, score >= 0.7);
    }
}
