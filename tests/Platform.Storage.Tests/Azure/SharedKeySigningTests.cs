using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Platform.Storage.Azure;

namespace Platform.Storage.Tests.Azure;

public sealed class SharedKeySigningTests
{
    private const string Account = "devstoreaccount1";
    private static readonly byte[] Key = Convert.FromBase64String(StorageConnectionString.DevelopmentAccountKey);

    [Fact]
    public void StringToSign_ForAnEmptyBodyWithHeadersAndQuery_FollowsTheBlobServiceRules()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:10000/devstoreaccount1/c1/dir/a%20b?comp=metadata&Timeout=30");
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        request.Headers.TryAddWithoutValidation("If-Match", "\"0x8D1\"");
        request.Headers.TryAddWithoutValidation("x-ms-version", "2023-11-03");
        request.Headers.TryAddWithoutValidation("x-ms-date", "Mon, 01 Jan 2024 00:00:00 GMT");
        request.Headers.TryAddWithoutValidation("X-MS-Lease-Id", "  lease-1 ");
        request.Headers.TryAddWithoutValidation("x-ms-meta-b0", "w");
        request.Headers.TryAddWithoutValidation("x-ms-meta-b_1", "v");
        request.Headers.TryAddWithoutValidation("User-Agent", "not-signed");

        // VERB, then Content-Encoding, Content-Language, Content-Length (empty for a zero-length body), Content-MD5,
        // Content-Type, Date, If-Modified-Since, If-Match, If-None-Match, If-Unmodified-Since, Range, each on its own line.
        var expected =
            "PUT\n" +
            "\n" +
            "\n" +
            "\n" +
            "\n" +
            "text/plain\n" +
            "\n" +
            "\n" +
            "\"0x8D1\"\n" +
            "\n" +
            "\n" +
            "\n" +
            // x-ms- headers: lowercase names, trimmed values, '_' sorting before digits as the service does.
            "x-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\n" +
            "x-ms-lease-id:lease-1\n" +
            "x-ms-meta-b_1:v\n" +
            "x-ms-meta-b0:w\n" +
            "x-ms-version:2023-11-03\n" +
            // Resource: /account + the encoded path (the account appears twice for a path-style endpoint),
            // then query parameters lowercased and sorted.
            "/devstoreaccount1/devstoreaccount1/c1/dir/a%20b\n" +
            "comp:metadata\n" +
            "timeout:30";

        Assert.Equal(expected, SharedKeySigningHandler.BuildStringToSign(request, Account));
    }

    [Fact]
    public void StringToSign_ForABody_CarriesItsLength_AndDecodesAndSortsQueryValues()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://acct.blob.core.windows.net/c1?restype=container&comp=list&prefix=a%2Fb%20c&include=snapshots&include=metadata");
        request.Content = new ByteArrayContent(Encoding.ASCII.GetBytes("hello"));
        request.Headers.TryAddWithoutValidation("x-ms-range", "bytes=0-9");

        var expected =
            "GET\n\n\n5\n\n\n\n\n\n\n\n\n" +
            "x-ms-range:bytes=0-9\n" +
            "/acct/c1\n" +
            "comp:list\n" +
            "include:metadata,snapshots\n" +
            "prefix:a/b c\n" +
            "restype:container";

        Assert.Equal(expected, SharedKeySigningHandler.BuildStringToSign(request, "acct"));
    }

    [Fact]
    public void Signature_MatchesAnIndependentlyComputedHmac()
    {
        const string stringToSign = "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Mon, 01 Jan 2024 00:00:00 GMT\nx-ms-version:2023-11-03\n/devstoreaccount1/devstoreaccount1/c1\ncomp:list\nrestype:container";

        // Computed outside .NET (Python hmac/hashlib) from the well-known development key.
        Assert.Equal("KFk7RqkYUkUOeS9W1iSd9hZvtjeiZNPRMRWow0hjHN0=", SharedKeySigningHandler.ComputeSignature(stringToSign, Key));
    }

    [Fact]
    public void HeaderNames_SortUnderscoreBeforeDigitsAndDigitsBeforeLetters()
    {
        string[] names = ["x-ms-meta-ab", "x-ms-meta-a0", "x-ms-meta-a_", "x-ms-meta-a", "x-ms-date", "x-ms-version"];
        var sorted = names.Order(HeaderNameComparer.Instance).ToArray();

        Assert.Equal(["x-ms-date", "x-ms-meta-a", "x-ms-meta-a_", "x-ms-meta-a0", "x-ms-meta-ab", "x-ms-version"], sorted);
    }

    [Fact]
    public async Task SigningHandler_SignsEveryAttemptWithAFreshDate()
    {
        var clock = new SteppingClock(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK));
        using var signer = new SharedKeySigningHandler(Account, Key, transport, clock);
        using var invoker = new HttpMessageInvoker(signer);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:10000/devstoreaccount1/c1?restype=container");

        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();
        clock.Now = clock.Now.AddSeconds(7);
        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();

        Assert.Equal(2, transport.Sent.Count);
        Assert.Equal("Mon, 01 Jan 2024 00:00:00 GMT", transport.Sent[0].Header("x-ms-date"));
        Assert.Equal("Mon, 01 Jan 2024 00:00:07 GMT", transport.Sent[1].Header("x-ms-date"));
        Assert.Equal("2023-11-03", transport.Sent[1].Header("x-ms-version"));
        foreach (var sent in transport.Sent)
        {
            var expected = "GET\n\n\n\n\n\n\n\n\n\n\n\n" +
                $"x-ms-date:{sent.Header("x-ms-date")}\nx-ms-version:2023-11-03\n" +
                "/devstoreaccount1/devstoreaccount1/c1\nrestype:container";
            var signature = Convert.ToBase64String(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(expected)));
            Assert.Equal($"SharedKey {Account}:{signature}", sent.Header("Authorization"));
        }
    }

    [Fact]
    public async Task SasHandler_AppendsTheTokenOnceHoweverOftenTheRequestIsSent()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.OK));
        using var sas = new SharedAccessSignatureHandler("?sv=2023-11-03&sig=abc%3D", transport);
        using var invoker = new HttpMessageInvoker(sas);
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://acct.blob.core.windows.net/c1?restype=container&comp=list");

        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();
        (await invoker.SendAsync(request, CancellationToken.None)).Dispose();

        Assert.All(transport.Sent, sent =>
        {
            Assert.Equal("?restype=container&comp=list&sv=2023-11-03&sig=abc%3D", sent.Uri.Query);
            Assert.Null(sent.Header("Authorization"));
        });
    }

    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
