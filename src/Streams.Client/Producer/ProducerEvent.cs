namespace Platform.Streams.Client.Producer;

/// <summary>What wakes the producer's loop: an admitted record, a finished request, or a nudge (timer, flush, close).</summary>
internal readonly struct ProducerEvent
{
    private ProducerEvent(PendingRecord? record, SentBatch? sent)
    {
        Record = record;
        Sent = sent;
    }

    public PendingRecord? Record { get; }

    public SentBatch? Sent { get; }

    public static ProducerEvent Nudge => default;

    public static ProducerEvent Admitted(PendingRecord record) => new(record, null);

    public static ProducerEvent Completed(SentBatch sent) => new(null, sent);
}
