using System.Globalization;
using System.Text.RegularExpressions;
using WaDispatch.CloudApi.Errors;
using WaDispatch.Grpc.V1;

namespace WaDispatch.Grpc;

/// <summary>Between the Cloud API's error and <c>wadispatch.v1.Error</c>.</summary>
public static partial class ErrorMapping
{
    /// <summary>The protobuf error of <paramref name="error"/>; <paramref name="field"/> when known, else read from the details.</summary>
    public static Error ToProto(CloudApiError error, TimeSpan? retryAfter = null, string? field = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new Error
        {
            Code = error.Code,
            Title = Title(error),
            Details = error.Details,
            Field = field ?? FieldOf(error.Details) ?? string.Empty,
            ErrorSubcode = error.ErrorSubcode ?? 0,
            FbtraceId = error.FbtraceId ?? string.Empty,
            RetryAfterMs = retryAfter is { } wait ? (long)Math.Ceiling(Math.Max(0, wait.TotalMilliseconds)) : 0,
        };
    }

    /// <summary>The Cloud API error <paramref name="error"/> stands for.</summary>
    public static CloudApiError ToCloudApi(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return CloudApiError.Create(error.Code, error.Title, error.Details, error.FbtraceId.Length > 0 ? error.FbtraceId : null) with
        {
            ErrorSubcode = error.ErrorSubcode != 0 ? error.ErrorSubcode : null,
        };
    }

    /// <summary>The title of <paramref name="error"/>: Meta's message without its <c>(#code)</c> prefix.</summary>
    public static string Title(CloudApiError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.Message ?? string.Empty;
        var prefix = string.Create(CultureInfo.InvariantCulture, $"(#{error.Code}) ");
        return message.StartsWith(prefix, StringComparison.Ordinal) ? message[prefix.Length..] : message;
    }

    /// <summary>The field a details text starts with (<c>messages[3].phone_number_id is required …</c>), when it starts with one.</summary>
    public static string? FieldOf(string? details) =>
        details is not null && LeadingField().Match(details) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"^([a-z_][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])?)*) (?:is|has|holds|must|are)\b")]
    private static partial Regex LeadingField();
}
