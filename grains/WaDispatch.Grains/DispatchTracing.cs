using System.Diagnostics;

namespace WaDispatch.Grains;

/// <summary>
/// The dispatcher's traces, an activity source per area. A message's trace starts at the front door (under the caller's
/// <c>traceparent</c> when one came), is kept with the message in the ledger, and goes on wherever the message does:
/// its dispatch, the lane's send to Meta (HttpClient passes the trace upstream in <c>traceparent</c>), and the status
/// webhooks Meta sends for it — after a restart too. With nothing listening (tracing off) a source starts nothing.
/// </summary>
public static class DispatchTracing
{
    /// <summary>The sources' common prefix, to subscribe to all of them (<c>WaDispatch.*</c>).</summary>
    public const string Sources = "WaDispatch.*";

    /// <summary>Acceptance and dispatch of messages.</summary>
    public static readonly ActivitySource Messages = new("WaDispatch.Messages");

    /// <summary>The lanes' sends to Meta.</summary>
    public static readonly ActivitySource Lanes = new("WaDispatch.Lanes");

    /// <summary>Webhook deliveries and the statuses they report.</summary>
    public static readonly ActivitySource Webhooks = new("WaDispatch.Webhooks");

    /// <summary>The message id tag.</summary>
    public const string MessageIdTag = "wadispatch.message.id";

    /// <summary>The business phone number tag.</summary>
    public const string PhoneNumberTag = "wadispatch.phone_number.id";

    /// <summary>
    /// The W3C <c>traceparent</c> of the current activity, to keep with a message — sampled or not, so that its later
    /// spans keep the caller's decision (its flags travel in it); null while nothing traces.
    /// </summary>
    public static string? CurrentTraceParent() =>
        Messages.HasListeners() && Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>The context <paramref name="traceParent"/> names; default (the current activity becomes the parent) when none or unreadable.</summary>
    public static ActivityContext ParentOf(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;
}
