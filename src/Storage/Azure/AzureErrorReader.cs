using System.Net;
using System.Xml;

namespace Platform.Storage.Azure;

/// <summary>Turns a failed Blob REST response into the matching <see cref="BlobStorageException"/>.</summary>
internal static class AzureErrorReader
{
    /// <summary>
    /// The error code comes from the XML body (<c>&lt;Error&gt;&lt;Code&gt;</c>) or, for HEAD responses and empty
    /// bodies, from <c>x-ms-error-code</c>. A 304 to a conditional read is reported as a failed precondition
    /// (<c>ConditionNotMet</c>), like every other unmet condition. When the retry handler gave up on a transient
    /// status the message says after how many attempts.
    /// </summary>
    public static async Task<BlobStorageException> ReadAsync(HttpResponseMessage response, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var body = response.Content is null ? string.Empty : await response.Content.ReadAsStringAsync(cancellationToken);
        var (code, message) = ParseBody(body);
        code ??= AzureHeaders.Get(response, AzureHeaders.ErrorCode);
        var status = response.StatusCode;

        if (status == HttpStatusCode.NotModified)
        {
            status = HttpStatusCode.PreconditionFailed;
            code ??= BlobErrorCodes.ConditionNotMet;
            message ??= "The condition specified using HTTP conditional header(s) is not met (304 Not Modified).";
        }

        code ??= DefaultCode(status);
        message ??= string.IsNullOrEmpty(response.ReasonPhrase) ? $"The service answered {(int)status}." : response.ReasonPhrase;

        if (BlobErrorCodes.IsTransientStatus(status))
        {
            var attempts = AzureRequestOptions.GetAttempt(response.RequestMessage);
            message = $"{message} (gave up after {attempts} attempt{(attempts == 1 ? string.Empty : "s")})";
        }

        var requestId = AzureHeaders.Get(response, AzureHeaders.RequestId);
        if (!string.IsNullOrEmpty(requestId))
        {
            message = $"{message} [request id {requestId}]";
        }

        var retryAfter = RetryAfterHeader.Parse(response, timeProvider.GetUtcNow());
        return Create(status, code, message, retryAfter);
    }

    public static BlobStorageException Create(HttpStatusCode status, string code, string message, TimeSpan? retryAfter)
    {
        if (retryAfter is null)
        {
            return BlobStorageException.Create(status, code, message);
        }

        return status switch
        {
            HttpStatusCode.NotFound => new BlobNotFoundException(code, message) { RetryAfter = retryAfter },
            HttpStatusCode.PreconditionFailed => new BlobPreconditionFailedException(code, message) { RetryAfter = retryAfter },
            HttpStatusCode.Conflict => new BlobConflictException(code, message) { RetryAfter = retryAfter },
            _ => new BlobStorageException(status, code, message) { RetryAfter = retryAfter },
        };
    }

    /// <summary>Code and first message line of an <c>&lt;Error&gt;</c> document; nulls when the body is not one.</summary>
    public static (string? Code, string? Message) ParseBody(string body)
    {
        var trimmed = body.AsSpan().TrimStart("\uFEFF \t\r\n");
        if (trimmed.IsEmpty || trimmed[0] != '<')
        {
            return (null, null);
        }

        try
        {
            using var reader = XmlReader.Create(new StringReader(trimmed.ToString()), XmlSettings.Safe);
            string? code = null;
            string? message = null;
            reader.Read();
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.Depth == 1 && reader.LocalName is "Code" or "Message")
                {
                    // ReadElementContentAsString leaves the reader on the node after the element: do not Read() again.
                    var isCode = reader.LocalName == "Code";
                    var value = reader.ReadElementContentAsString();
                    if (isCode)
                    {
                        code = value.Trim();
                    }
                    else
                    {
                        message = FirstLine(value);
                    }
                }
                else
                {
                    reader.Read();
                }
            }

            return (string.IsNullOrEmpty(code) ? null : code, string.IsNullOrEmpty(message) ? null : message);
        }
        catch (XmlException)
        {
            return (null, null);
        }
    }

    private static string FirstLine(string text)
    {
        var trimmed = text.Trim();
        var newline = trimmed.IndexOfAny(['\r', '\n']);
        return newline < 0 ? trimmed : trimmed[..newline].TrimEnd();
    }

    private static string DefaultCode(HttpStatusCode status) => (int)status switch
    {
        404 => BlobErrorCodes.BlobNotFound,
        412 => BlobErrorCodes.ConditionNotMet,
        416 => BlobErrorCodes.InvalidRange,
        500 => BlobErrorCodes.InternalError,
        503 => BlobErrorCodes.ServerBusy,
        408 or 504 => BlobErrorCodes.OperationTimedOut,
        _ => status.ToString(),
    };
}
