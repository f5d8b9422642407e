using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Management;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.CloudApi.Tests;

/// <summary>
/// The WABA management client (<c>subscribed_apps</c>) against the simulator on real Kestrel: Meta's shapes, the
/// override callback's handshake, throttling, and the usage headers.
/// </summary>
public sealed class WabaManagementTests : IAsyncLifetime
{
    private const string Waba = "100000000000001";
    private KestrelApp _simulator = null!;
    private ServiceProvider _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IWabaManagement Api => _client.GetRequiredService<IWabaManagement>();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(o => o.SubscribedByDefault = false);
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
    public async Task Subscribe_List_Unsubscribe_ReadMetasAnswers()
    {
        var before = await Api.ListSubscribedAppsAsync(Waba, cancellationToken: Ct);
        var subscribed = await Api.SubscribeAppAsync(Waba, cancellationToken: Ct);
        var listed = await Api.ListSubscribedAppsAsync(Waba, cancellationToken: Ct);
        var unsubscribed = await Api.UnsubscribeAppAsync(Waba, cancellationToken: Ct);
        var after = await Api.ListSubscribedAppsAsync(Waba, cancellationToken: Ct);

        Assert.True(before.Succeeded);
        Assert.Empty(before.Apps!);
        Assert.True(subscribed.Succeeded);
        var app = Assert.Single(listed.Apps!);
        Assert.Equal((SubscriptionEndpoints.App.Id, SubscriptionEndpoints.App.Name, (string?)null), (app.Id, app.Name, app.OverrideCallbackUri));
        Assert.True(unsubscribed.Succeeded);
        Assert.Empty(after.Apps!);
        Assert.NotNull(after.Usage);
        Assert.InRange(after.Usage!.Percent, 1, 100);
    }

    [Fact]
    public async Task AnOverrideCallback_IsVerifiedWithTheHandshake_BeforeTheSubscriptionHolds()
    {
        await using var receiver = await KestrelApp.StartAsync(_ => { }, app => app.MapGet("/hooks", (HttpRequest r) =>
            r.Query["hub.mode"] == "subscribe" && r.Query["hub.verify_token"] == "right-token" ? Results.Text(r.Query["hub.challenge"].ToString()) : Results.StatusCode(403)));
        var callback = new Uri(receiver.Address, "hooks");

        var refused = await Api.SubscribeAppAsync(Waba, new WebhookOverride(callback, "wrong-token"), cancellationToken: Ct);
        var stillNone = await Api.ListSubscribedAppsAsync(Waba, cancellationToken: Ct);
        var accepted = await Api.SubscribeAppAsync(Waba, new WebhookOverride(callback, "right-token"), cancellationToken: Ct);
        var listed = await Api.ListSubscribedAppsAsync(Waba, cancellationToken: Ct);

        Assert.False(refused.Succeeded);
        Assert.Equal(SubscriptionEndpoints.CallbackVerificationFailed, refused.Error!.Code);
        Assert.Contains("without the challenge", refused.Error.Details, StringComparison.Ordinal);
        Assert.Empty(stillNone.Apps!);
        Assert.True(accepted.Succeeded);
        Assert.Equal(callback.AbsoluteUri, Assert.Single(listed.Apps!).OverrideCallbackUri);
    }

    [Fact]
    public async Task Throttling_IsAResult_With80007AndMetasUsage()
    {
        using var http = new HttpClient();
        (await http.PostAsync(new Uri(_simulator.Address, "_sim/subscribed-apps/failures?code=80007&count=1"), null, Ct)).EnsureSuccessStatusCode();

        var throttled = await Api.SubscribeAppAsync(Waba, cancellationToken: Ct);
        var next = await Api.SubscribeAppAsync(Waba, cancellationToken: Ct);

        Assert.False(throttled.Succeeded);
        Assert.True(throttled.Throttled);
        Assert.Equal(ErrorCodes.RateLimitIssues, throttled.Error!.Code);
        Assert.Equal(TimeSpan.FromMinutes(1), throttled.Usage!.RegainAccessIn);
        Assert.True(next.Succeeded);
    }

    [Fact]
    public async Task WithoutAToken_NothingGoesOnTheWire()
    {
        await using var client = new ServiceCollection().AddLogging().AddCloudApiClient(o => o.BaseAddress = _simulator.Address).BuildServiceProvider();

        var result = await client.GetRequiredService<IWabaManagement>().ListSubscribedAppsAsync(Waba, cancellationToken: Ct);

        Assert.Equal((false, ErrorCodes.AuthException, 0), (result.Succeeded, result.Error!.Code, result.HttpStatus));
        Assert.Contains("CloudApi:AccessTokens:" + Waba, result.Error.Details, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"success\":true}", true)]
    [InlineData("{\"success\":\"true\"}", true)]
    [InlineData("true", true)]
    [InlineData("{\"success\":false}", false)]
    [InlineData("{}", false)]
    [InlineData("<html>", false)]
    public void SuccessAnswers_InTheirOldAndNewShapes(string body, bool success) =>
        Assert.Equal(success, GraphWabaManagement.IsSuccess(System.Text.Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void UsageHeaders_GiveTheHighestPercentage_AndTheTimeToRegainAccess()
    {
        var usage = GraphWabaManagement.ParseUsage(
            "{\"call_count\":28,\"total_time\":25,\"total_cputime\":25}",
            "{\"102\":[{\"type\":\"whatsapp_business_management\",\"call_count\":91,\"total_cputime\":3,\"total_time\":4,\"estimated_time_to_regain_access\":12}]}");

        Assert.Equal(new ManagementUsage(91, TimeSpan.FromMinutes(12)), usage);
        Assert.Null(GraphWabaManagement.ParseUsage(null, "not json"));
    }
}
