namespace Platform.Streams.Service;

/// <summary>
/// How often a host looks in storage for records other hosts appended to a stream it waits on: every
/// <see cref="Active"/> while something changed recently, doubling on each look that finds nothing, up to
/// <see cref="Idle"/>. One look is one listing per stream, shared by every shard and function of the host.
/// </summary>
/// <param name="Active">The interval right after a change was seen.</param>
/// <param name="Idle">The longest interval an unchanging stream backs off to.</param>
public readonly record struct TailPolling(TimeSpan Active, TimeSpan Idle);
