using Google.Protobuf.WellKnownTypes;
using CampaignView = WaDispatch.Grains.Campaigns.CampaignView;
using DomainStatus = WaDispatch.Grains.Campaigns.CampaignStatus;
using WaDispatch.Grains.Messages;
using WaDispatch.Grpc;
using WaDispatch.Grpc.V1;
using V1 = WaDispatch.Grpc.V1;

namespace WaDispatch.Silo.Grpc;

/// <summary>The ledger's and the grains' views as <c>wadispatch.v1</c> messages.</summary>
internal static class GrpcViews
{
    public static MessageInfo Message(MessageView view)
    {
        var message = new MessageInfo
        {
            Id = view.Id,
            PhoneNumberId = view.PhoneNumberId,
            To = view.To,
            Status = view.Status,
            Wamid = view.Wamid ?? string.Empty,
            AcceptedAt = Timestamp.FromDateTimeOffset(view.AcceptedAt),
            ExpiresAt = Timestamp.FromDateTimeOffset(view.ExpiresAt),
            UpdatedAt = Timestamp.FromDateTimeOffset(view.UpdatedAt),
            RetryAt = Time(view.RetryAt),
            Error = view.Error is { } error ? ErrorMapping.ToProto(error) : null,
        };
        message.History.AddRange((view.History ?? []).Select(e => new HistoryEntry { Status = e.Status, At = Timestamp.FromDateTimeOffset(e.At), ErrorCode = e.ErrorCode ?? 0 }));
        return message;
    }

    public static Campaign Campaign(CampaignView view, bool replayed = false)
    {
        var counts = new CampaignCounts
        {
            Rows = view.Counts.Rows,
            Recipients = view.Counts.Recipients,
            Pending = view.Counts.Pending,
            Sent = view.Counts.Sent,
            Delivered = view.Counts.Delivered,
            Read = view.Counts.Read,
            Expired = view.Counts.Expired,
            Cancelled = view.Counts.Cancelled,
        };
        counts.Failed.Add(view.Counts.Failed.ToDictionary());
        counts.Skipped.Add(view.Counts.Skipped.ToDictionary());
        counts.Deferred.Add(view.Counts.Deferred.ToDictionary());
        return new Campaign
        {
            Id = view.Id,
            Status = view.Status switch
            {
                DomainStatus.Scheduled => V1.CampaignStatus.Scheduled,
                DomainStatus.Running => V1.CampaignStatus.Running,
                DomainStatus.Paused => V1.CampaignStatus.Paused,
                DomainStatus.Completed => V1.CampaignStatus.Completed,
                DomainStatus.Cancelled => V1.CampaignStatus.Cancelled,
                DomainStatus.Expired => V1.CampaignStatus.Expired,
                _ => V1.CampaignStatus.Unspecified,
            },
            PauseReason = view.PauseReason ?? string.Empty,
            PhoneNumberId = view.PhoneNumberId,
            TemplateName = view.TemplateName,
            TemplateLanguage = view.TemplateLanguage,
            Category = view.Category,
            CreatedAt = Timestamp.FromDateTimeOffset(view.CreatedAt),
            StartAt = Timestamp.FromDateTimeOffset(view.StartAt),
            ExpiresAt = Timestamp.FromDateTimeOffset(view.ExpiresAt),
            StartedAt = Time(view.StartedAt),
            FinishedAt = Time(view.FinishedAt),
            Counts = counts,
            RateMps = view.RateMps,
            Eta = Time(view.Eta),
            Preflight = view.Preflight is { } preflight ? new Preflight
            {
                Requested = preflight.Requested,
                FitsNow = preflight.FitsNow,
                AllFitBy = Timestamp.FromDateTimeOffset(preflight.AllFitBy),
                NextCapacityAt = Time(preflight.NextCapacityAt),
            } : null,
            Replayed = replayed,
        };
    }

    public static StatusEvent Event(MessageStatusEvent change, string? phoneNumberId, string? campaignId) => new()
    {
        MessageId = change.MessageId,
        Status = change.Status,
        At = Timestamp.FromDateTimeOffset(change.At),
        ErrorCode = change.ErrorCode ?? 0,
        Wamid = change.Wamid ?? string.Empty,
        CampaignId = campaignId ?? change.CampaignId ?? string.Empty,
        PhoneNumberId = phoneNumberId ?? string.Empty,
    };

    /// <summary>An instant, or null (proto3 leaves an unset timestamp out).</summary>
    public static Timestamp? Time(DateTimeOffset? at) => at is { } value ? Timestamp.FromDateTimeOffset(value) : null;
}
