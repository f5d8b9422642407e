using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;

namespace WaDispatch.Grains.Messages;

/// <summary>One campaign recipient's message, as the campaign runner hands it to <see cref="MessageService"/>.</summary>
/// <param name="CampaignId">The campaign.</param>
/// <param name="Seq">The recipient's position in the audience.</param>
/// <param name="PhoneNumberId">The business number that sends.</param>
/// <param name="Message">The request, per-recipient values filled in.</param>
/// <param name="Category">The template's category.</param>
/// <param name="Priority">The lane's priority class.</param>
/// <param name="ExpiresAt">After this instant it is not sent.</param>
/// <param name="CallbackUrl">Where its status changes are posted, if anywhere.</param>
public sealed record CampaignMessage(string CampaignId, int Seq, string PhoneNumberId, SendMessageRequest Message, MessageCategory Category, SendPriority Priority, DateTimeOffset ExpiresAt, string? CallbackUrl = null);
