using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Dispatch;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>
/// A number's route as the silo keeps it (<see cref="LaneRoutes"/>), on a clock that never moves: a kept route never
/// lapses here, so only its being forgotten can bring a configuration change to admission.
/// </summary>
public sealed class LaneRoutesTests : IAsyncLifetime
{
    private const string Number = "106540352242931";
    private readonly TempSqliteFile _file = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private GrainHost _host = null!;

    private MessageDispatcher Dispatcher => _host.Services.GetRequiredService<MessageDispatcher>();

    public async ValueTask InitializeAsync() => _host = await GrainHost.StartAsync(o => o.UseSqlite(_file.ConnectionString), _time);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task AConfiguredBusiness_IsChargedFromTheNextAdmission_ThoughTheRouteBeforeIsStillKept()
    {
        var before = await Dispatcher.AdmitAsync(Request("m1", "15550001"));
        await _host.Lane(Number).ConfigureAsync(new LaneConfiguration(null, "biz-moved", null, null));
        var after = await Dispatcher.AdmitAsync(Request("m2", "15550002"));

        Assert.Equal((Number, "biz-moved"), (before.Send?.BusinessId, after.Send?.BusinessId));
        Assert.Equal((1, 1), (Used(await _host.Business(Number).GetSnapshotAsync()), Used(await _host.Business("biz-moved").GetSnapshotAsync())));
    }

    private static int Used(BusinessSnapshot snapshot) => snapshot.Budgets.Sum(b => b.Used);

    private DispatchRequest Request(string id, string to) => new(
        id,
        Number,
        new SendMessageRequest
        {
            To = to,
            Type = MessageTypes.Template,
            Template = new TemplateContent { Name = "order_confirmation", Language = new TemplateLanguage { Code = "en_US" } },
        },
        MessageCategory.Marketing,
        SendOrigin.Direct,
        _time.GetUtcNow().AddDays(1));
}
