using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Lanes;

namespace WaDispatch.Grains.Tests;

/// <summary>Sends for tests: a template to a recipient nobody else gets unless one is named.</summary>
public static class TestSends
{
    private static int _recipients;

    public static OutboundSend Template(DateTimeOffset expiresAt, SendPriority priority = SendPriority.Bulk, string? flow = null, string? id = null, string? to = null)
    {
        var n = Interlocked.Increment(ref _recipients);
        var request = new SendMessageRequest
        {
            To = to ?? $"+1650{n:D7}",
            Type = "template",
            Template = new TemplateContent { Name = "order_confirmation", Language = new TemplateLanguage { Code = "en_US" } },
        };
        return new OutboundSend(id ?? $"m{n}", request, priority, expiresAt, flow);
    }
}
