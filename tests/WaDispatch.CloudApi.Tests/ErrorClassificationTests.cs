using WaDispatch.CloudApi.Errors;
using Xunit;

namespace WaDispatch.CloudApi.Tests;

public sealed class ErrorClassificationTests
{
    [Theory]
    [InlineData(130429, ErrorClass.LaneThrottle, true)]
    [InlineData(131056, ErrorClass.PairThrottle, true)]
    [InlineData(131057, ErrorClass.MaintenancePause, true)]
    [InlineData(131049, ErrorClass.RecipientCooldown, true)]
    [InlineData(131050, ErrorClass.RecipientPermanent, false)]
    [InlineData(131047, ErrorClass.RequestPermanent, false)]
    [InlineData(131026, ErrorClass.RecipientPermanent, false)]
    [InlineData(131048, ErrorClass.StopLane, false)]
    [InlineData(131000, ErrorClass.Transient, true)]
    [InlineData(131016, ErrorClass.Transient, true)]
    [InlineData(1, ErrorClass.Transient, true)]
    [InlineData(2, ErrorClass.Transient, true)]
    [InlineData(4, ErrorClass.AccountThrottle, true)]
    [InlineData(80007, ErrorClass.AccountThrottle, true)]
    [InlineData(0, ErrorClass.Auth, false)]
    [InlineData(190, ErrorClass.Auth, false)]
    [InlineData(10, ErrorClass.Auth, false)]
    [InlineData(3, ErrorClass.Auth, false)]
    [InlineData(131005, ErrorClass.Auth, false)]
    [InlineData(368, ErrorClass.StopLane, false)]
    [InlineData(131031, ErrorClass.StopLane, false)]
    [InlineData(131042, ErrorClass.StopLane, false)]
    [InlineData(100, ErrorClass.RequestPermanent, false)]
    [InlineData(131008, ErrorClass.RequestPermanent, false)]
    [InlineData(131009, ErrorClass.RequestPermanent, false)]
    [InlineData(131051, ErrorClass.RequestPermanent, false)]
    [InlineData(132000, ErrorClass.RequestPermanent, false)]
    [InlineData(132012, ErrorClass.RequestPermanent, false)]
    [InlineData(132001, ErrorClass.TemplateUnavailable, false)]
    [InlineData(132015, ErrorClass.TemplateUnavailable, false)]
    [InlineData(132016, ErrorClass.TemplateUnavailable, false)]
    [InlineData(130472, ErrorClass.RecipientPermanent, false)]
    [InlineData(ErrorCodes.TransportFailure, ErrorClass.Transient, true)]
    [InlineData(ErrorCodes.TransportRejected, ErrorClass.RequestPermanent, false)]
    [InlineData(ErrorCodes.MessagingLimitReached, ErrorClass.MessagingLimit, true)]
    [InlineData(ErrorCodes.KeywordOptOut, ErrorClass.RecipientPermanent, false)]
    [InlineData(498, ErrorClass.RecipientPermanent, false)]
    [InlineData(1026, ErrorClass.RecipientCooldown, true)]
    public void EveryCodeOfThePlatformTable_HasItsActionClass(int code, ErrorClass expected, bool retry)
    {
        var action = ErrorClassification.Classify(code);

        Assert.Equal((code, expected, retry, true), (action.Code, action.Class, action.Retry.Retry, action.IsKnown));
        Assert.False(string.IsNullOrWhiteSpace(action.Meaning));
    }

    [Fact]
    public void AnUnknownCode_FallsBackToAPermanentRequestError_WithoutRetry()
    {
        var action = ErrorClassification.Classify(999_999);

        Assert.Equal((ErrorClass.RequestPermanent, false, false), (action.Class, action.Retry.Retry, action.IsKnown));
    }

    [Fact]
    public void RetryHints_GrowAsTheirRuleSays_AndStopAtTheCap()
    {
        var pair = ErrorClassification.Classify(ErrorCodes.PairRateLimitHit).Retry;
        var maintenance = ErrorClassification.Classify(ErrorCodes.AccountInMaintenance).Retry;
        var cap = ErrorClassification.Classify(ErrorCodes.MarketingCapReached).Retry;

        Assert.Equal([1, 4, 16, 64], Enumerable.Range(0, 4).Select(x => pair.DelayFor(x, TimeSpan.FromHours(1)).TotalSeconds));
        Assert.Equal(TimeSpan.FromMinutes(5), pair.DelayFor(10, TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromSeconds(60), maintenance.DelayFor(3, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromHours(24), cap.DelayFor(0, TimeSpan.FromDays(2)));
        Assert.Equal(TimeSpan.Zero, RetryHint.Never.DelayFor(0, TimeSpan.FromHours(1)));
    }
}
