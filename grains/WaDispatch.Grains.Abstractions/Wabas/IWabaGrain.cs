namespace WaDispatch.Grains.Wabas;

/// <summary>
/// One WhatsApp Business Account (key: waba_id): the app's webhook subscription on it — checked, mended and changed
/// with management calls it paces under Meta's management rate limit — and its account state from Meta's account
/// webhooks (review, display names, bans, restrictions), which stop and resume the lanes of its numbers.
/// </summary>
[Alias("wadispatch.IWabaGrain")]
public interface IWabaGrain : IGrainWithStringKey
{
    /// <summary>
    /// Records that <paramref name="phoneNumberId"/> belongs to this WABA: a ban or restriction stops its lane too. A
    /// WABA never checked has its subscription checked soon after, in the background.
    /// </summary>
    [Alias("AddPhoneNumber")]
    ValueTask AddPhoneNumberAsync(string phoneNumberId);

    /// <summary>
    /// Lists the subscribed apps (unless the last check is younger than half the check interval and
    /// <paramref name="force"/> is false) and, when the app is missing, <paramref name="subscribeWhenMissing"/> and no
    /// operator unsubscribed it, subscribes it.
    /// </summary>
    [Alias("CheckSubscription")]
    [ResponseTimeout("00:02:00")]
    ValueTask<WabaCallResult> CheckSubscriptionAsync(bool subscribeWhenMissing, bool force = false);

    /// <summary>Subscribes the app now, optionally sending this WABA's webhooks to <paramref name="callback"/>; ends an operator's unsubscription.</summary>
    [Alias("Subscribe")]
    [ResponseTimeout("00:02:00")]
    ValueTask<WabaCallResult> SubscribeAsync(WabaCallback? callback);

    /// <summary>Unsubscribes the app now; the periodic check leaves it so until <see cref="SubscribeAsync"/>.</summary>
    [Alias("Unsubscribe")]
    [ResponseTimeout("00:02:00")]
    ValueTask<WabaCallResult> UnsubscribeAsync();

    /// <summary>
    /// Applies an account webhook change (<c>account_update</c>, <c>account_review_update</c>,
    /// <c>phone_number_name_update</c>, <c>business_capability_update</c>) whose value is <paramref name="value"/> (JSON),
    /// dated <paramref name="at"/>. Idempotent; a change older than what it would replace changes nothing.
    /// </summary>
    [Alias("ApplyAccountEvent")]
    ValueTask ApplyAccountEventAsync(string field, string value, DateTimeOffset at);

    /// <summary>The WABA as an operator sees it.</summary>
    /// <remarks>Read-only: builds a snapshot, changes nothing.</remarks>
    [Alias("Get")]
    [AlwaysInterleave]
    [ReadOnly]
    ValueTask<WabaSnapshot> GetAsync();
}
