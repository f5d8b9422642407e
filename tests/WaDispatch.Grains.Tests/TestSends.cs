using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Lanes;

namespace WaDispatch.Grains.Tests;

/// <summary>Sends for tests: a template to a recipient nobody else gets unless one is named, not in the ledger.</summary>
public static class TestSends
{
    private static int _recipients;

    public static LaneSend Template(DateTimeOffset expiresAt, SendPriority priority = SendPriority.Bulk, string? flow = null, string? id = null, string? to = null)
    {
        var n = Interlocked.Increment(ref _recipients);
        var request = new SendMessageRequest
        {
            To = to ?? $"+1650{n:D7}",
            Type = "template",
            Template = new TemplateContent { Name = "order_confirmation", Language = new TemplateLanguage { Code = "en_US" } },
        };
        return new LaneSend { MessageId = id ?? $"m{n}", Request = request, Priority = priority, ExpiresAt = expiresAt, Flow = flow ?? string.Empty, Recorded = false };
    }

    /// <summary>The same, as the lane holds it (with its completion), for tests of <see cref="OutboundLane"/> itself.</summary>
    internal static OutboundSend Outbound(DateTimeOffset expiresAt, SendPriority priority = SendPriority.Bulk, string? flow = null, string? id = null, string? to = null) =>
        new(Template(expiresAt, priority, flow, id, to));
}
