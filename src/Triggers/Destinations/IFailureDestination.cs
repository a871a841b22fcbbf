using Platform.Triggers.Engine;

namespace Platform.Triggers.Destinations;

/// <summary>Keeps records a function gave up on. Returns only once they are durable; throws when they are not.</summary>
public interface IFailureDestination
{
    Task SendAsync(FailedBatch batch, FailureSource source, CancellationToken cancellationToken);
}
