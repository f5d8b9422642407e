using Xunit;

namespace WaDispatch.Simulator.Tests;

public sealed class ThroughputTests
{
    [Fact]
    public async Task Answers130429_ExactlyWhenMoreThanTheSetMpsArriveInASlidingSecond()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.SetMessagesPerSecondAsync(5);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal((200, 0), await sim.SendAsync($"+1650555000{i}"));
        }

        Assert.Equal((429, 130429), await sim.SendAsync("+16505550100"));
        sim.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal((429, 130429), await sim.SendAsync("+16505550101"));
        sim.Time.Advance(TimeSpan.FromMilliseconds(1)); // t = 1.000 s: the five from t = 0 leave the window
        Assert.Equal((200, 0), await sim.SendAsync("+16505550102"));

        sim.Time.Advance(TimeSpan.FromMilliseconds(500)); // t = 1.5 s: the window (0.5, 1.5] holds one
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal((200, 0), await sim.SendAsync($"+1650555020{i}"));
        }

        Assert.Equal((429, 130429), await sim.SendAsync("+16505550300"));
        sim.Time.Advance(TimeSpan.FromMilliseconds(500)); // t = 2.0 s: the one from t = 1.0 leaves
        Assert.Equal((200, 0), await sim.SendAsync("+16505550301"));
        Assert.Equal((429, 130429), await sim.SendAsync("+16505550302"));

        var stats = await sim.StatsAsync();
        Assert.Equal((5, 11L, 4L, 5), (stats.MessagesPerSecond, stats.AcceptedTotal, stats.RejectedTotal, stats.MaxInSlidingSecond));
        Assert.Equal(4L, stats.RejectedByCode["130429"]);
        Assert.Equal(11, stats.PerSecond.Sum(s => s.Accepted));
    }

    [Fact]
    public async Task InboundMessages_CountAgainstTheSameThroughput()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.SetMessagesPerSecondAsync(3);

        await sim.InboundAsync("16505550001");
        await sim.InboundAsync("16505550002");
        Assert.Equal((200, 0), await sim.SendAsync("+16505550003"));

        Assert.Equal((429, 130429), await sim.SendAsync("+16505550004"));
        var stats = await sim.StatsAsync();
        Assert.Equal((1L, 2L, 3), (stats.AcceptedTotal, stats.InboundTotal, stats.MaxInSlidingSecond));
    }

    [Fact]
    public async Task ThePairRate_AllowsABurstOf45_ThenOneEvery6Seconds_ForThatUserOnly()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.SetMessagesPerSecondAsync(1000);

        for (var i = 0; i < 45; i++)
        {
            Assert.Equal((200, 0), await sim.SendAsync("+16505551234"));
        }

        Assert.Equal((429, 131056), await sim.SendAsync("+16505551234"));
        Assert.Equal((200, 0), await sim.SendAsync("+16505559999"));
        sim.Time.Advance(TimeSpan.FromSeconds(6) - TimeSpan.FromTicks(1));
        Assert.Equal((429, 131056), await sim.SendAsync("+16505551234"));
        sim.Time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal((200, 0), await sim.SendAsync("+16505551234"));
        Assert.Equal((429, 131056), await sim.SendAsync("+16505551234"));
    }

    [Fact]
    public async Task FreeFormMessages_NeedAnOpenCustomerServiceWindow_TemplatesDoNot()
    {
        await using var sim = await SimulatorHarness.StartAsync();

        Assert.Equal((400, 131047), await sim.SendAsync("+16505551234", text: true));
        Assert.Equal((200, 0), await sim.SendAsync("+16505551234"));
        await sim.InboundAsync("16505551234");
        Assert.Equal((200, 0), await sim.SendAsync("+16505551234", text: true));

        sim.Time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromTicks(1));
        Assert.Equal((200, 0), await sim.SendAsync("+16505551234", text: true));
        sim.Time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal((400, 131047), await sim.SendAsync("+16505551234", text: true));

        // User ids are read as digits, however they are written.
        await sim.InboundAsync("+1 650 555 4321");
        Assert.Equal((200, 0), await sim.SendAsync("+16505554321", text: true));

        // A late-arriving older inbound message does not move the window back.
        await sim.InboundAsync("16505551234");
        await sim.InboundAsync("16505551234", timestamp: sim.Time.GetUtcNow().AddHours(-30).ToUnixTimeSeconds());
        Assert.Equal((200, 0), await sim.SendAsync("+16505551234", text: true));
    }

    [Fact]
    public async Task TheLedger_RecordsEveryAcceptedMessage_AndNothingRejected()
    {
        await using var sim = await SimulatorHarness.StartAsync();
        await sim.SetMessagesPerSecondAsync(2);

        await sim.SendAsync("+16505550001", template: "welcome");
        await sim.SendAsync("+16505550002", template: "welcome");
        await sim.SendAsync("+16505550003", template: "welcome");

        var ledger = await sim.LedgerAsync();
        Assert.Equal(["16505550001", "16505550002"], ledger.Select(e => e.WaId));
        Assert.All(ledger, e => Assert.Equal(("template", "welcome", SimulatorHarness.Number), (e.Type, e.TemplateName, e.PhoneNumberId)));
        Assert.Equal(["cb-+16505550001", "cb-+16505550002"], ledger.Select(e => e.BizOpaqueCallbackData));
        Assert.Equal(2, ledger.Select(e => e.Id).Distinct().Count());
    }
}
