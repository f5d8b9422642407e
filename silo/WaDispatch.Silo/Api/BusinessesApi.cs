using Microsoft.AspNetCore.Mvc;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Recipients;
using Orleans;

namespace WaDispatch.Silo.Api;

/// <summary>The budgets' admin API: <c>/v1/businesses</c>.</summary>
internal static class BusinessesApi
{
    private static readonly Dictionary<string, string> Expectations = new(StringComparer.Ordinal)
    {
        ["messaging_limit_tier"] = $"must be one of {string.Join(", ", MessagingLimitTiers.WireNames)}",
        ["scope"] = "must be business (one budget for the portfolio) or phone_number (one per number)",
        ["opt_out_keywords"] = "must be a list of words",
        ["opt_in_keywords"] = "must be a list of words",
    };

    private const int MaxKeywords = 20;
    private const int MaxKeywordLength = 32;

    /// <summary>The most recipients a pre-flight question may ask about.</summary>
    private const int MaxPreflightRecipients = 100_000_000;

    /// <summary>Maps <c>PUT</c>/<c>GET /v1/businesses/{business_id}</c> and <c>GET …/preflight?phone_number_id=…&amp;recipients=N</c>.</summary>
    public static IEndpointRouteBuilder MapBusinessesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/businesses/{businessId}");
        group.MapPut("", ConfigureAsync);
        group.MapGet("", GetAsync);
        group.MapGet("/preflight", PreflightAsync);
        return routes;
    }

    private static async Task<IResult> ConfigureAsync(string businessId, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (AdminIds.Check(businessId, "business_id") is { } badId)
        {
            return ApiErrors.InvalidParameter(badId);
        }

        var (configuration, error) = await ApiErrors.ReadBodyAsync(request, AdminJsonContext.Default.BusinessConfiguration, Expectations, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        // The enum converter also reads numbers; only the names are part of the API.
        if (configuration!.Tier is { } tier && !Enum.IsDefined(tier))
        {
            return ApiErrors.InvalidParameter($"messaging_limit_tier {Expectations["messaging_limit_tier"]}.");
        }

        if (!Enum.IsDefined(configuration.Scope))
        {
            return ApiErrors.InvalidParameter($"scope {Expectations["scope"]}.");
        }

        if ((CheckKeywords(configuration.OptOutKeywords, "opt_out_keywords") ?? CheckKeywords(configuration.OptInKeywords, "opt_in_keywords")) is { } badKeywords)
        {
            return ApiErrors.InvalidParameter(badKeywords);
        }

        // Stored trimmed and once each; checked against the lists in effect, defaults included.
        configuration = configuration with { OptOutKeywords = Clean(configuration.OptOutKeywords), OptInKeywords = Clean(configuration.OptInKeywords) };
        var optOut = configuration.OptOutKeywords ?? KeywordPolicy.Default.OptOut;
        var optIn = configuration.OptInKeywords ?? KeywordPolicy.Default.OptIn;
        if (optOut.Intersect(optIn, StringComparer.OrdinalIgnoreCase).FirstOrDefault() is { } both)
        {
            return ApiErrors.InvalidParameter($"'{both}' is both an opt-out and an opt-in keyword.");
        }

        var snapshot = await grains.GetGrain<IBusinessGrain>(businessId).ConfigureAsync(configuration);
        return Results.Json(snapshot, AdminJsonContext.Default.BusinessSnapshot);
    }

    private static async Task<IResult> GetAsync(string businessId, IGrainFactory grains) =>
        AdminIds.Check(businessId, "business_id") is { } badId
            ? ApiErrors.InvalidParameter(badId)
            : Results.Json(await grains.GetGrain<IBusinessGrain>(businessId).GetSnapshotAsync(), AdminJsonContext.Default.BusinessSnapshot);

    private static async Task<IResult> PreflightAsync(string businessId, [FromQuery(Name = "phone_number_id")] string? phoneNumberId, string? recipients, IGrainFactory grains)
    {
        var bad = AdminIds.Check(businessId, "business_id") ?? AdminIds.Check(phoneNumberId, "phone_number_id");
        if (bad is not null)
        {
            return ApiErrors.InvalidParameter(bad);
        }

        if (!int.TryParse(recipients, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) || count > MaxPreflightRecipients)
        {
            return ApiErrors.InvalidParameter($"recipients must be a whole number between 0 and {MaxPreflightRecipients}.");
        }

        var preflight = await grains.GetGrain<IBusinessGrain>(businessId).PreflightAsync(phoneNumberId!, count);
        return Results.Json(preflight, AdminJsonContext.Default.BudgetPreflight);
    }

    private static List<string>? Clean(IReadOnlyList<string>? keywords) =>
        keywords?.Select(k => k.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static string? CheckKeywords(IReadOnlyList<string>? keywords, string field) =>
        keywords is null ? null
        : keywords.Count > MaxKeywords ? $"{field} holds {keywords.Count} keywords; the limit is {MaxKeywords}."
        : keywords.Any(k => string.IsNullOrWhiteSpace(k) || k.Trim().Length > MaxKeywordLength) ? $"Each of {field} must be a word of 1 to {MaxKeywordLength} characters."
        : null;
}
