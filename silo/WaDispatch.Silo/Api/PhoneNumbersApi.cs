using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.CloudApi.Validation;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Templates;
using WaDispatch.Grains.Wabas;
using Orleans;

namespace WaDispatch.Silo.Api;

/// <summary>The lanes' admin API: <c>/v1/phone-numbers</c>.</summary>
internal static class PhoneNumbersApi
{
    private static readonly Dictionary<string, string> Expectations = new(StringComparer.Ordinal)
    {
        ["throughput_mps"] = $"must be a whole number of messages per second between 1 and {LaneConfiguration.MaxThroughputMps}",
        ["business_id"] = "must be a string",
        ["display_phone_number"] = "must be a string",
        ["token_reference"] = "must be a string",
        ["waba_id"] = "must be a string",
    };

    /// <summary>Maps <c>PUT</c>/<c>GET /v1/phone-numbers/{phone_number_id}</c> and <c>POST …/resume</c>.</summary>
    public static IEndpointRouteBuilder MapPhoneNumbersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/phone-numbers/{phoneNumberId}");
        group.MapPut("", ConfigureAsync);
        group.MapGet("", GetAsync);
        group.MapPost("/resume", ResumeAsync);
        return routes;
    }

    private static async Task<IResult> ConfigureAsync(string phoneNumberId, HttpRequest request, IGrainFactory grains, IOptionsMonitor<CloudApiOptions> cloudApi, TemplateSyncService templates, LaneRoutes routes, CancellationToken cancellationToken)
    {
        if (AdminIds.Check(phoneNumberId, "phone_number_id") is { } badId)
        {
            return ApiErrors.InvalidParameter(badId);
        }

        var (configuration, error) = await ApiErrors.ReadBodyAsync(request, AdminJsonContext.Default.LaneConfiguration, Expectations, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (Check(configuration!, cloudApi.CurrentValue) is { } invalid)
        {
            return ApiErrors.InvalidParameter(invalid);
        }

        LaneSnapshot snapshot;
        try
        {
            snapshot = await grains.GetGrain<IPhoneNumberGrain>(phoneNumberId).ConfigureAsync(configuration!);
        }
        finally
        {
            // The lane forgot its route on its own silo; this one (the lane may be on another) forgets it too, also when
            // the call failed or timed out (the lane may have stored the change).
            routes.Forget(phoneNumberId);
        }

        if (configuration!.WabaId is { } wabaId)
        {
            await templates.TrackAsync(wabaId);

            // A ban or restriction of the WABA stops this number's lane too; a WABA seen first has its subscription checked.
            await grains.GetGrain<IWabaGrain>(wabaId).AddPhoneNumberAsync(phoneNumberId);

            // business_capability_update names only the WABA: one of its numbers leads to the business.
            await grains.GetGrain<IPhoneNumberDirectoryGrain>(IPhoneNumberDirectoryGrain.WabaKey(wabaId)).SetAsync(phoneNumberId);
        }

        if (configuration.DisplayPhoneNumber is { } display && PhoneNumbers.Digits(display) is { Length: > 0 } digits)
        {
            // Some webhooks name the number only as displayed.
            await grains.GetGrain<IPhoneNumberDirectoryGrain>(digits).SetAsync(phoneNumberId);
        }

        return Results.Json(snapshot, AdminJsonContext.Default.LaneSnapshot);
    }

    private static async Task<IResult> GetAsync(string phoneNumberId, IGrainFactory grains) =>
        AdminIds.Check(phoneNumberId, "phone_number_id") is { } badId
            ? ApiErrors.InvalidParameter(badId)
            : Results.Json(await grains.GetGrain<IPhoneNumberGrain>(phoneNumberId).GetSnapshotAsync(), AdminJsonContext.Default.LaneSnapshot);

    private static async Task<IResult> ResumeAsync(string phoneNumberId, IGrainFactory grains) =>
        AdminIds.Check(phoneNumberId, "phone_number_id") is { } badId
            ? ApiErrors.InvalidParameter(badId)
            : Results.Json(await grains.GetGrain<IPhoneNumberGrain>(phoneNumberId).ResumeAsync(), AdminJsonContext.Default.LaneSnapshot);

    private static string? Check(LaneConfiguration configuration, CloudApiOptions cloudApi)
    {
        if (configuration.ThroughputMps is < 1 or > LaneConfiguration.MaxThroughputMps)
        {
            return $"throughput_mps must be between 1 and {LaneConfiguration.MaxThroughputMps} messages per second; got {configuration.ThroughputMps}.";
        }

        if (configuration.BusinessId is not null && AdminIds.Check(configuration.BusinessId, "business_id") is { } badBusiness)
        {
            return badBusiness;
        }

        if (configuration.WabaId is not null && AdminIds.CheckDigits(configuration.WabaId, "waba_id") is { } badWaba)
        {
            return badWaba;
        }

        if (configuration.DisplayPhoneNumber is { Length: > 32 } display)
        {
            return $"display_phone_number is {display.Length} characters long; the limit is 32.";
        }

        if (configuration.TokenReference is { } reference && !cloudApi.AccessTokens.ContainsKey(reference))
        {
            return $"token_reference '{reference}' names no configured token: set CloudApi:AccessTokens:{reference}, or leave token_reference out to use the number's own or the default token.";
        }

        return null;
    }
}
