using System.Reflection;
using System.Text.Json.Serialization;
using Orleans;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Lanes;
using WaDispatch.Silo.Api;

namespace WaDispatch.Silo.Console;

/// <summary>
/// The live console: <c>GET /console</c> (one static page, no build step, nothing loaded from elsewhere) and
/// <c>GET /console/state</c> (what it shows, one small JSON a second): numbers and campaigns paged and searchable,
/// Meta's refusals and the webhook lag. Its buttons call the campaigns API.
/// </summary>
internal static class ConsoleApi
{
    /// <summary>Numbers per page.</summary>
    public const int NumbersPerPage = 25;

    /// <summary>Campaigns per page.</summary>
    public const int CampaignsPerPage = 10;

    /// <summary>The window of refusals shown.</summary>
    public const int RefusalSeconds = 300;

    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("console.html")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Registers the feed.</summary>
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddSingleton<ConsoleFeed>();
        return services.AddHostedService(sp => sp.GetRequiredService<ConsoleFeed>());
    }

    /// <summary>Maps the page and its data.</summary>
    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(FrontDoor.FrontDoor.ConsolePath, () => Results.Bytes(Page.Value, "text/html; charset=utf-8"));
        routes.MapGet(FrontDoor.FrontDoor.ConsolePath + "/state", StateAsync);
        return routes;
    }

    private static async Task<IResult> StateAsync(HttpRequest request, ConsoleFeed feed, CampaignService campaigns, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        var search = request.Query["q"].ToString().Trim();
        if (search.Length > AdminIds.MaxLength)
        {
            return ApiErrors.InvalidParameter($"q is {search.Length} characters long; the limit is {AdminIds.MaxLength}.");
        }

        if (PageOf(request, "numbers_page") is not { } numbersPage || PageOf(request, "campaigns_page") is not { } campaignsPage)
        {
            return ApiErrors.InvalidParameter("numbers_page and campaigns_page must be whole numbers from 0 to 100000.");
        }

        var (numbers, numberTotal) = feed.Numbers(search, numbersPage, NumbersPerPage);

        // Why a number is paused or stopped: asked of the lanes on this page that are.
        var shown = await Task.WhenAll(numbers.Select(async n => n.State == "running" ? n
            : (await grains.GetGrain<IPhoneNumberGrain>(n.PhoneNumberId).GetSnapshotAsync()) is { StopReason: { } stop } ? n with { Reason = $"{stop.Code} {stop.Title}: {stop.Details}" }
            : n));

        // Newest campaigns first; counts are read only for the page shown.
        var ids = await grains.GetGrain<ICampaignRegistryGrain>(ICampaignRegistryGrain.Key).ListAsync();
        var matching = ids.Reverse().Where(id => search.Length == 0 || id.Contains(search, StringComparison.Ordinal)).ToList();
        var views = new List<CampaignView>();
        foreach (var id in matching.Skip(campaignsPage * CampaignsPerPage).Take(CampaignsPerPage))
        {
            if (await campaigns.GetAsync(id, cancellationToken) is { } view)
            {
                views.Add(view);
            }
        }

        var state = new ConsoleState(time.GetUtcNow(), new Paged<NumberView>(shown, numberTotal, numbersPage, NumbersPerPage), new Paged<CampaignView>(views, matching.Count, campaignsPage, CampaignsPerPage), feed.Refusals(RefusalSeconds), feed.WebhookLag());
        return Results.Json(state, ConsoleJsonContext.Default.ConsoleState);
    }

    private static int? PageOf(HttpRequest request, string name) =>
        request.Query[name].ToString() is not { Length: > 0 } text ? 0
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var page) && page <= 100_000 ? page
        : null;
}

/// <summary>What <c>GET /console/state</c> answers.</summary>
/// <param name="At">When.</param>
/// <param name="Numbers">The numbers on this page.</param>
/// <param name="Campaigns">The campaigns on this page.</param>
/// <param name="Refusals">Meta's refusals of the last five minutes by code.</param>
/// <param name="WebhookLag">The webhook lag of the last minute.</param>
internal sealed record ConsoleState(DateTimeOffset At, Paged<NumberView> Numbers, Paged<CampaignView> Campaigns, IReadOnlyList<RefusalView> Refusals, LagView WebhookLag);

/// <summary>One page of a list.</summary>
/// <typeparam name="T">The items.</typeparam>
/// <param name="Items">This page's.</param>
/// <param name="Total">How many match.</param>
/// <param name="Page">Which page (from 0).</param>
/// <param name="PageSize">Items per page.</param>
internal sealed record Paged<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

/// <summary>JSON of the console: snake_case, enums by name.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConsoleState))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;
