using WaDispatch.Runtime;

namespace WaDispatch.Grains.Lanes;

/// <summary>Calls on a <see cref="IPhoneNumberGrain"/> reference that read like method calls.</summary>
public static class PhoneNumberGrainCalls
{
    /// <inheritdoc cref="IPhoneNumberGrain.EnqueueAsync(OutboundSend)"/>
    public static ValueTask EnqueueAsync(this GrainReference<IPhoneNumberGrain> lane, OutboundSend send) =>
        lane.InvokeAsync(static (g, s) => g.EnqueueAsync(s), send);

    /// <inheritdoc cref="IPhoneNumberGrain.EnqueueAsync(IReadOnlyList{OutboundSend})"/>
    public static ValueTask EnqueueAsync(this GrainReference<IPhoneNumberGrain> lane, IReadOnlyList<OutboundSend> sends) =>
        lane.InvokeAsync(static (g, s) => g.EnqueueAsync(s), sends);

    /// <inheritdoc cref="IPhoneNumberGrain.ConfigureAsync"/>
    public static ValueTask<LaneSnapshot> ConfigureAsync(this GrainReference<IPhoneNumberGrain> lane, LaneConfiguration configuration) =>
        lane.InvokeAsync(static (g, c) => g.ConfigureAsync(c), configuration);

    /// <inheritdoc cref="IPhoneNumberGrain.SetThroughputAsync"/>
    public static ValueTask<LaneSnapshot> SetThroughputAsync(this GrainReference<IPhoneNumberGrain> lane, int throughputMps) =>
        lane.InvokeAsync(static (g, t) => g.SetThroughputAsync(t), throughputMps);

    /// <inheritdoc cref="IPhoneNumberGrain.ResumeAsync"/>
    public static ValueTask<LaneSnapshot> ResumeAsync(this GrainReference<IPhoneNumberGrain> lane) =>
        lane.InvokeAsync(static g => g.ResumeAsync());

    /// <inheritdoc cref="IPhoneNumberGrain.RecordInboundAsync"/>
    public static ValueTask RecordInboundAsync(this GrainReference<IPhoneNumberGrain> lane, int count) =>
        lane.InvokeAsync(static (g, c) => g.RecordInboundAsync(c), count);

    /// <inheritdoc cref="IPhoneNumberGrain.GetRouteAsync"/>
    public static ValueTask<LaneRoute> GetRouteAsync(this GrainReference<IPhoneNumberGrain> lane) =>
        lane.InvokeAsync(static g => g.GetRouteAsync());

    /// <inheritdoc cref="IPhoneNumberGrain.GetSnapshotAsync"/>
    public static ValueTask<LaneSnapshot> GetSnapshotAsync(this GrainReference<IPhoneNumberGrain> lane) =>
        lane.InvokeAsync(static g => g.GetSnapshotAsync());
}
