using Microsoft.AspNetCore.Mvc;
using WaDispatch.Grains.Templates;
using Orleans;

namespace WaDispatch.Silo.Api;

/// <summary>The template catalogs: <c>GET /v1/templates?waba_id=…</c> and <c>POST /v1/templates/sync?waba_id=…</c>.</summary>
internal static class TemplatesApi
{
    /// <summary>Maps the catalog routes.</summary>
    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/templates", ListAsync);
        routes.MapPost("/v1/templates/sync", SyncAsync);
        return routes;
    }

    private static async Task<IResult> ListAsync([FromQuery(Name = "waba_id")] string? wabaId, IGrainFactory grains) =>
        AdminIds.Check(wabaId, "waba_id") is { } bad
            ? ApiErrors.InvalidParameter(bad)
            : Results.Json(await grains.GetGrain<ITemplateCatalogGrain>(wabaId!).GetSnapshotAsync(), AdminJsonContext.Default.TemplateCatalogSnapshot);

    private static async Task<IResult> SyncAsync([FromQuery(Name = "waba_id")] string? wabaId, TemplateCatalogSync sync, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (AdminIds.Check(wabaId, "waba_id") is { } bad)
        {
            return ApiErrors.InvalidParameter(bad);
        }

        var (_, error) = await sync.SyncAsync(wabaId!, cancellationToken: cancellationToken);
        return error is null
            ? Results.Json(await grains.GetGrain<ITemplateCatalogGrain>(wabaId!).GetSnapshotAsync(), AdminJsonContext.Default.TemplateCatalogSnapshot)
            : ApiErrors.Upstream(error);
    }
}
