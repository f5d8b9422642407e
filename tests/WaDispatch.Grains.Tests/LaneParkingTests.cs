using Microsoft.Extensions.Time.Testing;
using WaDispatch.Grains.Messages;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>
/// The silo's half of a lane's window: how many queued templates it sends a lane before it parks them, on a manual clock.
/// Each test plays one interleaving of calls and answers that a busy machine can produce, and counts what may be sent.
/// </summary>
public sealed class LaneParkingTests
{
    private static readonly TimeSpan Hold = TimeSpan.FromMilliseconds(500);
    private const int AskAgain = 10;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void AnAnswerArrivingAfterThatOfALaterCall_CanOnlyLowerTheRoom()
    {
        // Two calls on their way; the later one's answer (40: the lane had the earlier one's send and more in hand) was
        // taken first, and the earlier one's (90) arrives after it: it is older news.
        var parking = new LaneParking(_time);
        var first = parking.Ask();
        var second = parking.Ask();
        parking.Answered(second, 40, Hold);
        parking.Answered(first, 90, Hold);
        Assert.Equal(40, Reservable(parking));
        Release(parking, 40);

        // The two calls reached the lane in the other order: the earlier call's answer is the smaller, and it counts.
        var third = parking.Ask();
        var fourth = parking.Ask();
        parking.Answered(fourth, 31, Hold);
        parking.Answered(third, 30, Hold);
        Assert.Equal(30, Reservable(parking));
    }

    [Fact]
    public void APark_MakesTheRoomZeroAtOnce()
    {
        // The lane answered 90, then the silo parked a template (its window was taken by sends still on their way): the
        // next batch parks too, rather than take the 90 to a lane about to read its window from the ledger.
        var parking = new LaneParking(_time);
        parking.Answered(parking.Ask(), 90, Hold);
        Assert.True(parking.Parked(Hold));

        Assert.Equal(0, Reservable(parking));
    }

    [Fact]
    public void ARoomAnsweredBeforeTheLaneHeardOfAPark_CountsAsZero_AndOneAnsweredAfter_Counts()
    {
        var parking = new LaneParking(_time);
        parking.Parked(Hold);

        // An enqueue that began after the park but while the tell was on its way may reach the lane first.
        var tell = parking.BeginTell();
        var early = parking.Ask();
        parking.Told(tell, Hold);
        Assert.True(parking.TellDone());
        parking.Answered(early, 90, Hold);
        Assert.Equal(0, Reservable(parking));

        // Once the lane caught up, a call begun after the tell was answered is believed.
        parking.Answered(parking.Ask(), 60, Hold);
        Assert.Equal(60, Reservable(parking));
    }

    [Fact]
    public void AnAnswerToACallBegunBeforeAPark_CountsAsZero()
    {
        var parking = new LaneParking(_time);
        var before = parking.Ask();
        parking.Parked(Hold);
        parking.Answered(before, 90, Hold);

        Assert.Equal(0, Reservable(parking));
    }

    [Fact]
    public void NoRoom_LapsesAfterTheHold_ToAskAgain_ButNotWhileATellWaits()
    {
        var parking = new LaneParking(_time);
        Assert.Equal(AskAgain, Reservable(parking));
        Release(parking, AskAgain);

        parking.Parked(Hold);
        _time.Advance(Hold * 2);
        Assert.Equal(0, Reservable(parking));

        // Told, and the hold that the tell's answer began lapsed: the silo asks again.
        parking.Told(parking.BeginTell(), Hold);
        Assert.True(parking.TellDone());
        Assert.Equal(0, Reservable(parking));
        _time.Advance(Hold);
        Assert.Equal(AskAgain, Reservable(parking));
    }

    [Fact]
    public void AParkDuringATell_TellsAgain()
    {
        var parking = new LaneParking(_time);
        Assert.True(parking.Parked(Hold));

        // A park while the tell waits for the sends on their way is covered by it: one tell.
        Assert.False(parking.Parked(Hold));
        parking.Told(parking.BeginTell(), Hold);
        Assert.True(parking.TellDone());

        // A park after the tell began is not: it tells again.
        Assert.True(parking.Parked(Hold));
        var tell = parking.BeginTell();
        Assert.False(parking.Parked(Hold));
        parking.Told(tell, Hold);
        Assert.False(parking.TellDone());
        parking.Told(parking.BeginTell(), Hold);
        Assert.True(parking.TellDone());
    }

    [Fact]
    public async Task TheTellWaits_ForTheSendsOnTheirWay_ToReachTheLane()
    {
        var parking = new LaneParking(_time);
        parking.Answered(parking.Ask(), 5, Hold);
        Assert.Equal(5, Reservable(parking));
        parking.Parked(Hold);

        var arrived = parking.OnTheWayAsync(TimeSpan.FromSeconds(2));
        Release(parking, 4);
        Assert.False(arrived.IsCompleted);
        parking.Release();
        await arrived.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        // With nothing on its way it does not wait at all.
        Assert.True(parking.OnTheWayAsync(TimeSpan.FromSeconds(2)).IsCompleted);
    }

    [Fact]
    public async Task TheTellWaits_AtMostItsBound_ForASendThatDoesNotArrive()
    {
        var parking = new LaneParking(_time);
        Assert.Equal(AskAgain, Reservable(parking));
        parking.Parked(Hold);

        var arrived = parking.OnTheWayAsync(TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(arrived.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        await arrived.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(AskAgain, parking.OnTheWay);
    }

    /// <summary>Reserves until the parking says park; how many it let through (they stay on their way).</summary>
    private static int Reservable(LaneParking parking)
    {
        var count = 0;
        while (parking.TryReserve(AskAgain))
        {
            count++;
            Assert.True(count <= 10_000, "TryReserve never said park");
        }

        return count;
    }

    private static void Release(LaneParking parking, int count)
    {
        for (var i = 0; i < count; i++)
        {
            parking.Release();
        }
    }
}
