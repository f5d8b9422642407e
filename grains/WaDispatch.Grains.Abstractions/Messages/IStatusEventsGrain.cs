namespace WaDispatch.Grains.Messages;

/// <summary>
/// Live message status events for Orleans clients (key: <see cref="Key"/>): every silo publishes the status changes
/// its ledger applies while anyone subscribes, and the grain passes them on to its subscribers. Subscriptions lapse
/// unless renewed within <see cref="SubscriptionLifetime"/>.
/// </summary>
[Alias("wadispatch.IStatusEventsGrain")]
public interface IStatusEventsGrain : IGrainWithStringKey
{
    /// <summary>The one key.</summary>
    public const string Key = "all";

    /// <summary>How long a subscription lasts without renewal.</summary>
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(1);

    /// <summary>Subscribes (or renews) <paramref name="observer"/>.</summary>
    [Alias("Subscribe")]
    ValueTask SubscribeAsync(IStatusObserver observer);

    /// <summary>Ends <paramref name="observer"/>'s subscription.</summary>
    [Alias("Unsubscribe")]
    ValueTask UnsubscribeAsync(IStatusObserver observer);

    /// <summary>Whether anyone subscribes: silos publish only then.</summary>
    /// <remarks>Read-only: reads the subscription count.</remarks>
    [Alias("HasSubscribers")]
    [ReadOnly]
    ValueTask<bool> HasSubscribersAsync();

    /// <summary>A silo's batch of status changes, passed on to every subscriber.</summary>
    [Alias("Publish")]
    [OneWay]
    ValueTask PublishAsync(IReadOnlyList<MessageStatusEvent> events);
}

/// <summary>An Orleans client's receiver of status events.</summary>
[Alias("wadispatch.IStatusObserver")]
public interface IStatusObserver : IGrainObserver
{
    /// <summary>A batch of status changes, in the order one silo applied them.</summary>
    [Alias("OnStatuses")]
    [OneWay]
    ValueTask OnStatusesAsync(IReadOnlyList<MessageStatusEvent> events);
}
