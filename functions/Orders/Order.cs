namespace Platform.Functions.Orders;

/// <summary>An order or payment event as a shop's checkout service puts it into the <c>orders</c> stream.</summary>
public sealed record Order(string OrderId, string CustomerId, decimal Amount, string Currency, string Category, string Country, DateTimeOffset Time);
