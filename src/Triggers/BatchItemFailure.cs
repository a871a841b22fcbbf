namespace Platform.Triggers;

/// <summary>One failed record of a partial batch response.</summary>
public sealed class BatchItemFailure
{
    /// <summary>The failed record's sequence number.</summary>
    public string? ItemIdentifier { get; init; }
}
