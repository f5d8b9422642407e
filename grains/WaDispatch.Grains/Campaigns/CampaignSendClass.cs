using WaDispatch.Grains.Dispatch;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;

namespace WaDispatch.Grains.Campaigns;

/// <summary>How a campaign's messages go: their category and the lane's priority class.</summary>
internal static class CampaignSendClass
{
    /// <summary>The campaign's category (MARKETING when unknown) and priority class (high priority: transactional).</summary>
    public static (MessageCategory Category, SendPriority Priority) Of(CampaignState state)
    {
        var category = MessageDispatcher.CategoryOf(state.Category) ?? MessageCategory.Marketing;
        return (category, state.HighPriority ? SendPriority.Transactional : MessageDispatcher.PriorityOf(category));
    }
}
