using Platform.Video.Media;
using Platform.Video.Media.Fragmenting;

namespace Platform.Video.Ingest.Pipeline;

/// <summary>The CMAF <see cref="Fragmenter"/> as a publish session drives it.</summary>
public sealed class FragmenterAdapter(TimeSpan targetDuration, DateTimeOffset sessionStart) : IFragmenter
{
    private readonly Fragmenter _fragmenter = new(new FragmenterOptions { TargetDuration = targetDuration }, sessionStart);

    public void SetTrack(TrackConfig config, ICollection<FragmentOutput> output) => _fragmenter.SetTrack(config, output);

    public void Add(AccessUnit unit, ICollection<FragmentOutput> output) => _fragmenter.Add(unit, output);

    public void Flush(ICollection<FragmentOutput> output) => _fragmenter.Flush(output);
}
