using WaDispatch.Grains.Messages;
using Xunit;

namespace WaDispatch.Grains.Tests;

public sealed class RecentlySentTests
{
    [Fact]
    public void RemembersTheLatestTwoGenerations_AndForgetsWhatCameBefore()
    {
        var sent = new RecentlySent();
        var total = (2 * RecentlySent.GenerationSize) + 1;
        for (var i = 0; i < total; i++)
        {
            sent.Add($"wamid.{i}");
        }

        // The first generation was let go when the third began; the second and the third's first id are kept.
        Assert.False(sent.Contains("wamid.0"));
        Assert.False(sent.Contains($"wamid.{RecentlySent.GenerationSize - 1}"));
        Assert.True(sent.Contains($"wamid.{RecentlySent.GenerationSize}"));
        Assert.True(sent.Contains($"wamid.{total - 1}"));
        Assert.False(sent.Contains("wamid.never"));
    }
}
