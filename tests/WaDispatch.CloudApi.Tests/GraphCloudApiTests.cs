using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Simulator;
using WaDispatch.Simulator.State;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.CloudApi.Tests;

/// <summary>The real Graph API client against the simulator, over real HTTP on loopback.</summary>
public sealed class GraphCloudApiTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private KestrelApp _simulator = null!;
    private ServiceProvider _client = null!;

    private CloudApiSimulator Simulator => _simulator.Services.GetRequiredService<CloudApiSimulator>();

    private ICloudApi Api => _client.GetRequiredService<ICloudApi>();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync();
        _client = Client(o =>
        {
            o.BaseAddress = _simulator.Address;
            o.AccessToken = "wrong-token";
            o.AccessTokens[Number] = "simulator-token";
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task AnAcceptedSend_IsATypedSuccess_WithTheWamid()
    {
        var result = await Api.SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess);
        Assert.Equal(200, result.HttpStatus);
        Assert.StartsWith("wamid.", result.MessageId, StringComparison.Ordinal);
        Assert.Equal("16505551234", result.Response!.Contacts![0].WaId);
        var ledger = Assert.Single(Simulator.Ledger(Number));
        Assert.Equal((result.MessageId, "order_confirmation", "cb-1"), (ledger.Id, ledger.TemplateName, ledger.BizOpaqueCallbackData));
    }

    [Fact]
    public async Task ThroughputReached_IsALaneThrottle()
    {
        Simulator.SetMessagesPerSecond(Number, 1);
        await Api.SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken);

        var result = await Api.SendAsync(Number, Template("+16505550001"), cancellationToken: TestContext.Current.CancellationToken);

        AssertError(result, ErrorCodes.RateLimitHit, ErrorClass.LaneThrottle, 429);
        Assert.Equal("Cloud API message throughput has been reached.", result.Error!.Details);
    }

    [Fact]
    public async Task ThePairRate_IsAPairThrottle()
    {
        Simulator.SetMessagesPerSecond(Number, 1000);
        for (var i = 0; i < 45; i++)
        {
            Assert.True((await Api.SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken)).IsSuccess);
        }

        AssertError(await Api.SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken), ErrorCodes.PairRateLimitHit, ErrorClass.PairThrottle, 429);
    }

    [Fact]
    public async Task FreeFormOutsideTheWindow_IsAPermanentRequestError()
    {
        var text = new SendMessageRequest { To = "+16505551234", Type = "text", Text = new TextContent { Body = "hello" } };

        AssertError(await Api.SendAsync(Number, text, cancellationToken: TestContext.Current.CancellationToken), ErrorCodes.ReEngagementMessage, ErrorClass.RequestPermanent, 400);
    }

    [Fact]
    public async Task AnInvalidSend_IsRejectedBeforeItLeavesTheProcess()
    {
        var invalid = Template("+16505551234") with { BizOpaqueCallbackData = new string('x', 600) };

        var result = await Api.SendAsync(Number, invalid, cancellationToken: TestContext.Current.CancellationToken);

        AssertError(result, ErrorCodes.InvalidParameter, ErrorClass.RequestPermanent, 0);
        Assert.Equal(0, Simulator.Stats(Number).RejectedTotal + Simulator.Stats(Number).AcceptedTotal);
    }

    [Fact]
    public async Task ATokenReference_PicksThatNamedToken()
    {
        await using var named = Client(o =>
        {
            o.BaseAddress = _simulator.Address;
            o.AccessTokens["campaigns"] = "simulator-token";
        });
        var api = named.GetRequiredService<ICloudApi>();

        var withReference = await api.SendAsync(Number, Template("+16505551234"), "campaigns", TestContext.Current.CancellationToken);
        var withoutReference = await api.SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(withReference.IsSuccess);
        AssertError(withoutReference, ErrorCodes.AuthException, ErrorClass.Auth, 0);
    }

    [Fact]
    public async Task AWrongToken_IsAnAuthError_AndAMissingOneNeverReachesTheWire()
    {
        AssertError(await Api.SendAsync("999", Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken), ErrorCodes.AccessTokenExpired, ErrorClass.Auth, 401);

        await using var noToken = Client(o => o.BaseAddress = _simulator.Address);
        var result = await noToken.GetRequiredService<ICloudApi>().SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken);

        AssertError(result, ErrorCodes.AuthException, ErrorClass.Auth, 0);
        Assert.Contains($"CloudApi:AccessTokens:{Number}", result.Error!.Details, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ErrorCodes.AccountInMaintenance, ErrorClass.MaintenancePause)]
    [InlineData(ErrorCodes.SpamRateLimitHit, ErrorClass.StopLane)]
    [InlineData(ErrorCodes.TemporarilyBlocked, ErrorClass.StopLane)]
    [InlineData(ErrorCodes.SomethingWentWrong, ErrorClass.Transient)]
    [InlineData(ErrorCodes.ApiTooManyCalls, ErrorClass.AccountThrottle)]
    [InlineData(ErrorCodes.TemplateDoesNotExist, ErrorClass.TemplateUnavailable)]
    [InlineData(ErrorCodes.MessageUndeliverable, ErrorClass.RecipientPermanent)]
    [InlineData(ErrorCodes.MarketingCapReached, ErrorClass.RecipientCooldown)]
    [InlineData(ErrorCodes.PermissionDenied, ErrorClass.Auth)]
    public async Task EveryErrorClass_ArrivesTyped(int code, ErrorClass expected)
    {
        Simulator.ScriptFailure(Number, new ScriptedFailure(code, 400, null), 1);

        AssertError(await Api.SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken), code, expected, 400);
        Assert.True((await Api.SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken)).IsSuccess);
    }

    [Fact]
    public async Task AnUnknownCode_FallsBackToAPermanentRequestError()
    {
        Simulator.ScriptFailure(Number, new ScriptedFailure(424242, 400, null), 1);

        var result = await Api.SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken);

        AssertError(result, 424242, ErrorClass.RequestPermanent, 400);
        Assert.False(result.Action!.IsKnown);
    }

    [Fact]
    public async Task A502WithoutACloudApiBody_IsTransient_AndA404IsNot()
    {
        Simulator.ScriptFailure(Number, new ScriptedFailure(0, 502, "<html><body>502 Bad Gateway</body></html>"), 1);
        Simulator.ScriptFailure(Number, new ScriptedFailure(0, 404, "<html>Not Found</html>"), 1);

        var badGateway = await Api.SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken);
        var notFound = await Api.SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken);

        AssertError(badGateway, ErrorCodes.TransportFailure, ErrorClass.Transient, 502);
        AssertError(notFound, ErrorCodes.TransportRejected, ErrorClass.RequestPermanent, 404);
        Assert.Equal("HTTP 502 Bad Gateway without a Cloud API error body.", badGateway.Error!.Details);
        Assert.True(badGateway.OutcomeUnknown); // a gateway may have forwarded it
        Assert.False(notFound.OutcomeUnknown);
    }

    [Theory]
    [InlineData(503, """{"error":{"message":"Service unavailable"}}""", ErrorCodes.TransportFailure, ErrorClass.Transient)]
    [InlineData(200, """{"error":{"message":"(#131056) Pair rate limit hit","code":131056}}""", ErrorCodes.PairRateLimitHit, ErrorClass.PairThrottle)]
    [InlineData(200, """{"messaging_product":"whatsapp"}""", ErrorCodes.TransportRejected, ErrorClass.RequestPermanent)]
    public async Task OddAnswers_AreClassifiedByWhatTheyCarry(int status, string body, int code, ErrorClass expected)
    {
        await using var odd = await KestrelApp.StartAsync(_ => { }, app => app.MapPost("/v21.0/{id}/messages", (HttpContext context) =>
        {
            context.Response.Headers.RetryAfter = "Wed, 21 Oct 2015 07:28:00 GMT";
            return Results.Content(body, "application/json", statusCode: status);
        }));
        await using var client = Client(o =>
        {
            o.BaseAddress = odd.Address;
            o.AccessToken = "token";
        });

        var result = await client.GetRequiredService<ICloudApi>().SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken);

        AssertError(result, code, expected, status);
        Assert.Equal(TimeSpan.Zero, result.RetryAfter); // a date in the past means now, never a negative wait
        Assert.Equal(status == 200 && code == ErrorCodes.TransportRejected, result.OutcomeUnknown);
    }

    [Fact]
    public async Task NoServerListening_IsTransient_AndKnownNotToHaveBeenSent()
    {
        await using var closed = Client(o =>
        {
            o.BaseAddress = new Uri("http://127.0.0.1:9/");
            o.AccessToken = "simulator-token";
        });

        var result = await closed.GetRequiredService<ICloudApi>().SendAsync(Number, Template("+16505551234"), cancellationToken: TestContext.Current.CancellationToken);

        AssertError(result, ErrorCodes.TransportFailure, ErrorClass.Transient, 0);
        Assert.False(result.OutcomeUnknown);
    }

    [Fact]
    public async Task InvalidClientSettings_FailAtStartup_NamingTheSetting()
    {
        await using var services = Client(o => o.ApiVersion = "21");

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CloudApiOptions>>().Value);

        Assert.Contains("CloudApi:ApiVersion is '21'", error.Message, StringComparison.Ordinal);
    }

    private static void AssertError(SendResult result, int code, ErrorClass expected, int httpStatus)
    {
        Assert.False(result.IsSuccess);
        Assert.Equal((code, expected, httpStatus), (result.Error!.Code, result.Action!.Class, result.HttpStatus));
    }

    private static SendMessageRequest Template(string to) => new()
    {
        To = to,
        Type = "template",
        Template = new TemplateContent { Name = "order_confirmation", Language = new TemplateLanguage { Code = "en_US" } },
        BizOpaqueCallbackData = "cb-1",
    };

    private static ServiceProvider Client(Action<CloudApiOptions> configure) =>
        new ServiceCollection().AddLogging().AddCloudApiClient(configure).BuildServiceProvider();
}
