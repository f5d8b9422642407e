using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Templates;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Simulator.State;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.CloudApi.Tests;

/// <summary>Reading a WABA's templates with the Graph API client from the simulator's template store, page by page.</summary>
public sealed class TemplateListingTests : IAsyncLifetime
{
    private const string Waba = "100000000000001";
    private KestrelApp _simulator = null!;
    private ServiceProvider _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TemplateStore Store => _simulator.Services.GetRequiredService<TemplateStore>();

    private ICloudApi Api => _client.GetRequiredService<ICloudApi>();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync();
        _client = new ServiceCollection().AddLogging().AddCloudApiClient(o =>
        {
            o.BaseAddress = _simulator.Address;
            o.AccessToken = "simulator-token";
        }).BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task TheStore_IsSeededWithTheTemplatesOfEveryCategory()
    {
        var page = (await Api.ListTemplatesAsync(Waba, cancellationToken: Ct)).Page!;

        var welcome = Assert.Single(page.Data!, t => t.Name == "welcome");
        var confirmation = Assert.Single(page.Data!, t => t.Name == "order_confirmation");
        Assert.Equal(("UTILITY", "APPROVED", "Welcome {{1}}. We look forward to serving you on WhatsApp."), (welcome.Category, welcome.Status, welcome.Components![0].Text));
        Assert.Equal("Your order {{1}} for a total of {{2}} is confirmed. The expected delivery is {{3}}.", confirmation.Components![0].Text);
        Assert.Contains(page.Data!, t => t.Category == "MARKETING");
        Assert.Contains(page.Data!, t => t.Category == "AUTHENTICATION");
        Assert.Null(page.Paging!.Next);
    }

    [Fact]
    public async Task ACatalogLargerThanAPage_IsReadCompletely_ByFollowingTheAfterCursor()
    {
        for (var i = 0; i < 120; i++)
        {
            Store.Put(new MessageTemplate { Name = $"campaign_{i:D3}", Language = "en_US", Category = "MARKETING", Components = [new MessageTemplateComponent { Type = "BODY", Text = "Hi {{1}}" }] });
        }

        var names = new List<string>();
        var pages = 0;
        string? after = null;
        do
        {
            var page = (await Api.ListTemplatesAsync(Waba, after, limit: 50, cancellationToken: Ct)).Page!;
            names.AddRange(page.Data!.Select(t => t.Name!));
            after = page.Paging!.Next is null ? null : page.Paging.Cursors!.After;
            pages++;
        }
        while (after is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Store.Count, names.Count);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task PausingAndRecategorising_ThroughTheControlApi_ShowInTheNextRead()
    {
        using var http = new HttpClient { BaseAddress = _simulator.Address };

        var paused = await http.PutAsJsonAsync("_sim/templates/welcome/en_US", new { status = "PAUSED", category = "MARKETING" }, Ct);
        var missing = await http.PutAsJsonAsync("_sim/templates/nope/en_US", new { status = "PAUSED" }, Ct);
        var welcome = Assert.Single((await Api.ListTemplatesAsync(Waba, cancellationToken: Ct)).Page!.Data!, t => t.Name == "welcome");

        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(("PAUSED", "MARKETING"), (welcome.Status, welcome.Category));
    }

    [Fact]
    public async Task ACursorTheListNeverGave_IsAnError_NotTheFirstPageAgain()
    {
        var result = await Api.ListTemplatesAsync(Waba, after: "no-such-cursor", cancellationToken: Ct);

        Assert.Null(result.Page);
        Assert.Equal(ErrorCodes.InvalidParameter, result.Error!.Code);
    }

    [Fact]
    public async Task AWrongToken_IsAnError_NotAnEmptyCatalog()
    {
        await using var wrong = new ServiceCollection().AddLogging().AddCloudApiClient(o =>
        {
            o.BaseAddress = _simulator.Address;
            o.AccessToken = "wrong";
        }).BuildServiceProvider();

        var result = await wrong.GetRequiredService<ICloudApi>().ListTemplatesAsync(Waba, cancellationToken: Ct);

        Assert.Null(result.Page);
        Assert.Equal(ErrorCodes.AccessTokenExpired, result.Error!.Code);
    }
}
