using Platform.Storage.Azure;

namespace Platform.Storage.Tests.Azure;

public sealed class StorageConnectionStringTests
{
    private const string Key = StorageConnectionString.DevelopmentAccountKey;

    [Fact]
    public void ConnectionString_UseDevelopmentStorage_PointsAtAzuriteDefaults()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true");

        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.True(parsed.HasAccountKey);
        Assert.True(parsed.IsDevelopmentStorage);
        Assert.Null(parsed.SharedAccessSignature);
        Assert.Equal(Convert.FromBase64String(Key), parsed.AccountKey.ToArray());
    }

    [Fact]
    public void ConnectionString_UseDevelopmentStorageWithProxy_KeepsTheBlobPortAndAccountPath()
    {
        var parsed = StorageConnectionString.Parse("UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://ipv4.fiddler");

        Assert.Equal(new Uri("http://ipv4.fiddler:10000/devstoreaccount1"), parsed.BlobEndpoint);
        Assert.Equal("devstoreaccount1", parsed.AccountName);
    }

    [Fact]
    public void ConnectionString_AccountNameAndSuffix_BuildTheHostStyleEndpoint()
    {
        var parsed = StorageConnectionString.Parse($"DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey={Key};EndpointSuffix=core.chinacloudapi.cn");

        Assert.Equal(new Uri("https://myaccount.blob.core.chinacloudapi.cn"), parsed.BlobEndpoint);
        Assert.Equal("myaccount", parsed.AccountName);
        Assert.True(parsed.HasAccountKey);
        Assert.False(parsed.IsDevelopmentStorage);
    }

    [Fact]
    public void ConnectionString_WithoutProtocolOrSuffix_DefaultsToHttpsOnThePublicCloud()
    {
        var parsed = StorageConnectionString.Parse($"AccountName=myaccount;AccountKey={Key}");

        Assert.Equal(new Uri("https://myaccount.blob.core.windows.net"), parsed.BlobEndpoint);
    }

    [Fact]
    public void ConnectionString_ExplicitPathStyleBlobEndpoint_IsUsedAsIs()
    {
        var parsed = StorageConnectionString.Parse(
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://127.0.0.1:10123/devstoreaccount1/;");

        Assert.Equal("http://127.0.0.1:10123/devstoreaccount1", BlobUris.NormalizeEndpoint(parsed.BlobEndpoint));
        Assert.Equal("devstoreaccount1", parsed.AccountName);
        Assert.True(parsed.HasAccountKey);
    }

    [Fact]
    public void ConnectionString_BlobEndpointWithoutAccountName_TakesTheAccountFromTheEndpoint()
    {
        var pathStyle = StorageConnectionString.Parse($"BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;AccountKey={Key}");
        var hostStyle = StorageConnectionString.Parse($"BlobEndpoint=https://contoso.blob.core.windows.net;AccountKey={Key}");

        Assert.Equal("devstoreaccount1", pathStyle.AccountName);
        Assert.Equal("contoso", hostStyle.AccountName);
    }

    [Fact]
    public void ConnectionString_SharedAccessSignature_IsKeptWithoutItsQuestionMark()
    {
        var parsed = StorageConnectionString.Parse("BlobEndpoint=https://contoso.blob.core.windows.net/;SharedAccessSignature=?sv=2023-11-03&ss=b&sig=abc%3D");

        Assert.False(parsed.HasAccountKey);
        Assert.Equal("sv=2023-11-03&ss=b&sig=abc%3D", parsed.SharedAccessSignature);
        Assert.Equal(new Uri("https://contoso.blob.core.windows.net"), parsed.BlobEndpoint);
    }

    [Fact]
    public void ConnectionString_KeysAreCaseInsensitive_AndEmptySegmentsAreIgnored()
    {
        var parsed = StorageConnectionString.Parse($" accountname = a1 ;;ACCOUNTKEY={Key};");

        Assert.Equal("a1", parsed.AccountName);
        Assert.True(parsed.HasAccountKey);
    }

    [Fact]
    public void ConnectionString_ToString_NeverShowsTheKeyOrTheSas()
    {
        var withKey = StorageConnectionString.Parse($"AccountName=a1;AccountKey={Key}").ToString();
        var withSas = StorageConnectionString.Parse("BlobEndpoint=https://a1.blob.core.windows.net;SharedAccessSignature=sv=1&sig=secret").ToString();

        Assert.DoesNotContain(Key, withKey, StringComparison.Ordinal);
        Assert.Contains("AccountKey=<redacted>", withKey, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", withSas, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("AccountKey=abc", "AccountName")]
    [InlineData("AccountName=a1", "AccountKey")]
    [InlineData("AccountName=a1;AccountKey=", "AccountKey")]
    [InlineData("AccountName=a1;AccountKey=not*base64!", "AccountKey")]
    [InlineData("AccountName=a1;AccountKey=AAAA;SharedAccessSignature=sv=1&sig=x", "SharedAccessSignature")]
    [InlineData("AccountName=a1;AccountKey=AAAA;DefaultEndpointsProtocol=ftp", "DefaultEndpointsProtocol")]
    [InlineData("BlobEndpoint=not a uri;AccountKey=AAAA", "BlobEndpoint")]
    [InlineData("BlobEndpoint=ftp://host/x;AccountKey=AAAA", "BlobEndpoint")]
    [InlineData("BlobEndpoint=https://contoso.blob.core.windows.net;SharedAccessSignature=", "SharedAccessSignature")]
    [InlineData("UseDevelopmentStorage=maybe", "UseDevelopmentStorage")]
    [InlineData("UseDevelopmentStorage=true;AccountName=x", "AccountName")]
    [InlineData("AccountName=a1;AccountName=a2;AccountKey=AAAA", "AccountName")]
    [InlineData("AccountName=a1;garbage;AccountKey=AAAA", "Name=Value")]
    public void ConnectionString_Malformed_ThrowsFormatExceptionNamingTheSetting(string connectionString, string named)
    {
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse(connectionString));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionString_BadKey_IsNotEchoedInTheError()
    {
        const string secret = "s3cr3t!value";
        var error = Assert.Throws<FormatException>(() => StorageConnectionString.Parse($"AccountName=a1;AccountKey={secret}"));

        Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
    }
}
