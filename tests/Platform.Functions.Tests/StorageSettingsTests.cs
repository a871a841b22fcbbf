using Microsoft.Extensions.Options;
using Platform.Runtime.Storage;

namespace Platform.Functions.Tests;

public sealed class StorageSettingsTests
{
    private const string Key = "c2VjcmV0LWtleS1tYXRlcmlhbC10aGF0LW11c3Qtbm90LWxlYWs=";

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + Key)]
    [InlineData("AccountName=acct; AccountKey=" + Key + " ;EndpointSuffix=core.windows.net")]
    [InlineData("accountname=acct;accountkey=" + Key)]
    public void Describe_NeverPrintsTheAccountKey_HoweverTheStringIsSpelled(string connectionString)
    {
        var description = BlobStoreFactory.Describe(new StorageOptions { Backend = StorageBackend.AzureBlob, ConnectionString = connectionString });

        Assert.DoesNotContain(Key, description, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..20], description, StringComparison.Ordinal);
        Assert.Contains("acct", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NeverPrintsASasSignature()
    {
        var description = BlobStoreFactory.Describe(new StorageOptions
        {
            Backend = StorageBackend.AzureBlob,
            ConnectionString = "BlobEndpoint=https://acct.blob.core.windows.net; SharedAccessSignature=sv=2021-08-06&sp=r&sig=TOPSECRETSIG",
        });

        Assert.DoesNotContain("TOPSECRETSIG", description, StringComparison.Ordinal);
    }

    [Fact]
    public void AMalformedConnectionString_FailsValidation_NamingTheSetting()
    {
        var result = new StorageOptionsValidatorProbe().Validate(new StorageOptions { Backend = StorageBackend.AzureBlob, ConnectionString = "AccountName=only" });

        Assert.True(result.Failed);
        Assert.Contains("Platform:Storage:ConnectionString is invalid", result.FailureMessage, StringComparison.Ordinal);
    }

    /// <summary>The validator is internal to the runtime; the host applies it through the options pipeline the same way.</summary>
    private sealed class StorageOptionsValidatorProbe
    {
        private readonly IValidateOptions<StorageOptions> _validator;

        public StorageOptionsValidatorProbe()
        {
            var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
            Platform.Runtime.Hosting.PlatformApplication.AddPlatformStorage(services, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
            using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
            _validator = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IValidateOptions<StorageOptions>>(provider);
        }

        public ValidateOptionsResult Validate(StorageOptions options) => _validator.Validate(null, options);
    }
}
