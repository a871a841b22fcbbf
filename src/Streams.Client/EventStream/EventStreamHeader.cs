namespace Platform.Streams.Client.EventStream;

/// <summary>A named header of an event stream message. Names are 1 to 255 UTF-8 bytes and unique within a message.</summary>
public readonly record struct EventStreamHeader(string Name, EventStreamHeaderValue Value)
{
    /// <summary>A string header, the type every AWS protocol header (<c>:message-type</c> and the rest) uses.</summary>
    public static EventStreamHeader FromString(string name, string value) => new(name, EventStreamHeaderValue.FromString(value));

    public override string ToString() => $"{Name}: {Value}";
}
