using Platform.Storage;

namespace Platform.Triggers.Leases;

/// <summary>A lease as last read or written, with the ETag that guards the next change.</summary>
public sealed record LeaseRecord(LeaseState State, ETag ETag);
