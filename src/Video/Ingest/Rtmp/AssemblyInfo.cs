using System.Runtime.CompilerServices;

// The chunk reader, AMF0 codec and FLV mapping are pure logic tested directly, without a socket.
[assembly: InternalsVisibleTo("Platform.Video.Tests")]
