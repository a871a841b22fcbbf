namespace Platform.Functions.Orders;

/// <summary>What scoring an order produces.</summary>
public sealed record OrderScore(string OrderId, string SequenceNumber, string EventCategory, string AmountTier, double AnomalyScore, bool Flagged);
