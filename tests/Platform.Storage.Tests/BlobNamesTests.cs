namespace Platform.Storage.Tests;

public sealed class BlobNamesTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("streams/orders/shard-000001/segment-0000000001")]
    [InlineData("with space/and.dots/ünïcödé")]
    [InlineData(".hidden/x")]
    [InlineData("a/..b/c..d")]
    public void ValidNames_AreAccepted(string name) => BlobNames.ValidateBlob(name);

    [Theory]
    [InlineData("..", "'..' segment")]
    [InlineData("a/..", "'..' segment")]
    [InlineData("./a", "'.' segment")]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("a\0b", "NUL")]
    [InlineData("a\\..\\b", "backslash")]
    [InlineData("a\u0001b", "control character")]
    [InlineData("trailing/", "must not end with")]
    [InlineData("a//b", "empty path segment")]
    public void NamesThatEscapeOrBreakRules_AreRejected_WithAMessageSayingWhy(string name, string reason)
    {
        var error = Assert.Throws<BlobNameException>(() => BlobNames.ValidateBlob(name));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlongNames_AreRejected() =>
        Assert.Throws<BlobNameException>(() => BlobNames.ValidateBlob(new string('x', BlobNames.MaxBlobNameLength + 1)));

    [Theory]
    [InlineData("abc")]
    [InlineData("my-container-1")]
    [InlineData("000")]
    public void ValidContainerNames_AreAccepted(string name) => BlobNames.ValidateContainer(name);

    [Theory]
    [InlineData("ab")]
    [InlineData("Abc")]
    [InlineData("a--b")]
    [InlineData("abc-")]
    [InlineData("a.b")]
    [InlineData("$root")]
    public void InvalidContainerNames_AreRejected(string name) =>
        Assert.Throws<BlobNameException>(() => BlobNames.ValidateContainer(name));
}
