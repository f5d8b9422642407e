using Xunit;

namespace WaDispatch.Simulator.Tests;

public sealed class ControlApiTests
{
    [Fact]
    public async Task BadSends_GetCloudApiShapedErrors_NeverA500()
    {
        await using var sim = await SimulatorHarness.StartAsync(o => o.MaxRequestBytes = 4096);

        Assert.Equal((401, 190), await sim.SendAsync("+16505551234", token: "wrong"));
        Assert.Equal((401, 190), await sim.PostAsync($"v21.0/{SimulatorHarness.Number}/messages", "{}", token: null));
        Assert.Equal((400, 100), await sim.SendAsync("+16505551234", version: "latest"));
        Assert.Equal((400, 100), await sim.PostAsync($"v21.0/{SimulatorHarness.Number}/messages", """{"messaging_product":"whatsapp","to":"""));
        Assert.Equal((400, 100), await sim.PostAsync($"v21.0/{SimulatorHarness.Number}/messages", "[1,2,3]"));
        Assert.Equal((413, 100), await sim.PostAsync($"v21.0/{SimulatorHarness.Number}/messages", new string(' ', 5000)));
        Assert.Equal((400, 131051), await sim.PostAsync($"v21.0/{SimulatorHarness.Number}/messages", """{"messaging_product":"whatsapp","to":"+16505551234","type":"poll"}"""));
        Assert.Equal((400, 131008), await sim.PostAsync($"v21.0/{SimulatorHarness.Number}/messages", """{"messaging_product":"whatsapp","to":"+16505551234","type":"contacts","contacts":[null]}"""));
        Assert.Equal((400, 131008), await sim.PostAsync($"v21.0/{SimulatorHarness.Number}/messages", """{"messaging_product":"whatsapp","to":"+16505551234","type":"template","template":{"name":"t","language":{"code":"en"},"components":[null]}}"""));
    }

    [Fact]
    public async Task BadControlRequests_NameTheField()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        Assert.Equal((400, 131009, "messages_per_second must be a positive whole number."), await sim.ControlAsync(HttpMethod.Put, $"phone-numbers/{SimulatorHarness.Number}", """{"messages_per_second":0}"""));
        Assert.Equal((400, 131008, "phone_number_id and from are required."), await sim.ControlAsync(HttpMethod.Post, "inbound", """{"from":"1"}"""));
        Assert.Equal((400, 131009, "phone_number_id and wa_id are required and value must be 'stop' or 'resume'."), await sim.ControlAsync(HttpMethod.Post, "user-preferences", """{"phone_number_id":"1","wa_id":"2","value":"pause"}"""));
        Assert.Equal((400, 131008, "The query parameter phone_number_id is required."), await sim.ControlAsync(HttpMethod.Get, "ledger"));
        Assert.Equal((400, 131009, "timestamp is 999999999999; it must be Unix seconds from 0 to 253402300799."), await sim.ControlAsync(HttpMethod.Post, "inbound", """{"phone_number_id":"1","from":"2","timestamp":999999999999}"""));
        Assert.Equal((400, 131009, "http_status must be 400 to 599 and count 1 to 100000."), await sim.ControlAsync(HttpMethod.Post, $"phone-numbers/{SimulatorHarness.Number}/failures", """{"code":131000,"count":2147483647}"""));
        var (status, code, details) = await sim.ControlAsync(HttpMethod.Put, $"phone-numbers/{SimulatorHarness.Number}", """{"messages_per_second":"fast"}""");
        Assert.Equal((400, 100), (status, code));
        Assert.Contains("messages_per_second", details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptedFailures_AnswerTheNextSends_ThenStop()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        await sim.ControlAsync(HttpMethod.Post, $"phone-numbers/{SimulatorHarness.Number}/failures", """{"code":131057,"count":2,"http_status":503}""");

        Assert.Equal((503, 131057), await sim.SendAsync("+16505551234"));
        Assert.Equal((503, 131057), await sim.SendAsync("+16505551234"));
        Assert.Equal((200, 0), await sim.SendAsync("+16505551234"));
        Assert.Equal(2L, (await sim.StatsAsync()).RejectedByCode["131057"]);
    }
}
