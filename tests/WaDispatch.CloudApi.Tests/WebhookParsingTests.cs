using System.Text.Json;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Webhooks;
using Xunit;

namespace WaDispatch.CloudApi.Tests;

public sealed class WebhookParsingTests
{
    [Fact]
    public void AnInboundTextMessage_Parses()
    {
        var value = Change(MetaExamples.InboundText, WebhookFields.Messages).ReadMessages()!;

        Assert.Equal("106540352242922", value.Metadata!.PhoneNumberId);
        Assert.Equal("Sheena Nelson", value.Contacts![0].Profile!.Name);
        var message = Assert.Single(value.Messages!);
        Assert.Equal(("16505551234", "text", "1749416383", "Does it come in another color?"), (message.From, message.Type, message.Timestamp, message.Text!.Body));
    }

    [Fact]
    public void InboundMessagesOfEveryKind_Parse_AndUnknownFieldsAreTolerated()
    {
        var messages = Change(MetaExamples.InboundKinds, WebhookFields.Messages).ReadMessages()!.Messages!;

        Assert.Equal(["image", "interactive", "interactive", "button", "reaction", "location", "unsupported"], messages.Select(m => m.Type));
        Assert.Equal(("1003383421387256", "image/jpeg", "New product"), (messages[0].Image!.Id, messages[0].Image!.MimeType, messages[0].Image!.Caption));
        Assert.Equal(("button_reply", "cancel-button"), (messages[1].Interactive!.Type, messages[1].Interactive!.ButtonReply!.Id));
        Assert.Equal("wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA", messages[1].Context!.Id);
        Assert.Equal(("priority_express", "Next Day to 2 Days"), (messages[2].Interactive!.ListReply!.Id, messages[2].Interactive!.ListReply!.Description));
        Assert.Equal(("YES", "Yes, confirm"), (messages[3].Button!.Payload, messages[3].Button!.Text));
        Assert.Equal(("wamid.7", "👍"), (messages[4].Reaction!.MessageId, messages[4].Reaction!.Emoji));
        Assert.Equal((37.483307, -122.148981), (messages[5].Location!.Latitude!.Value, messages[5].Location!.Longitude!.Value));
        Assert.Equal(131051, messages[6].Errors![0].Code);
    }

    [Fact]
    public void ASentStatus_Parses_WithItsCallbackDataConversationAndPricing()
    {
        var status = Assert.Single(Change(MetaExamples.StatusSent, WebhookFields.Messages).ReadMessages()!.Statuses!);

        Assert.Equal(("sent", "16505551234", "campaign-42/recipient-7"), (status.Status, status.RecipientId, status.BizOpaqueCallbackData));
        Assert.Equal(("1750116473", "marketing"), (status.Conversation!.ExpirationTimestamp, status.Conversation.Origin!.Type));
        Assert.Equal((true, "PMP", "marketing", "regular"), (status.Pricing!.Billable!.Value, status.Pricing.PricingModel, status.Pricing.Category, status.Pricing.Type));
    }

    [Fact]
    public void AFailedStatus_Parses_WithItsErrors_AndANumericTimestamp()
    {
        var status = Assert.Single(Change(MetaExamples.StatusFailed, WebhookFields.Messages).ReadMessages()!.Statuses!);

        Assert.Equal(("failed", "1750263773"), (status.Status, status.Timestamp));
        var error = Assert.Single(status.Errors!);
        Assert.Equal(131050, error.Code);
        Assert.StartsWith("Unable to deliver the message.", error.ErrorData!.Details, StringComparison.Ordinal);
    }

    [Fact]
    public void UserPreferences_Parse()
    {
        var preference = Assert.Single(Change(MetaExamples.UserPreferences, WebhookFields.UserPreferences).ReadUserPreferences()!.UserPreferences!);

        Assert.Equal(("16505551234", "marketing_messages", "stop", "1731705721"), (preference.WaId, preference.Category, preference.Value, preference.Timestamp));
    }

    [Fact]
    public void PhoneNumberQualityUpdates_Parse_InTheNewAndTheOldVocabulary()
    {
        var upgrade = Change(MetaExamples.QualityUpdateNew, WebhookFields.PhoneNumberQualityUpdate).ReadPhoneNumberQualityUpdate()!;
        var downgrade = Change(MetaExamples.QualityUpdateOld, WebhookFields.PhoneNumberQualityUpdate).ReadPhoneNumberQualityUpdate()!;

        Assert.Equal(("THROUGHPUT_UPGRADE", "TIER_UNLIMITED", "TIER_UNLIMITED"), (upgrade.Event, upgrade.CurrentLimit, upgrade.MaxDailyConversationsPerBusiness));
        Assert.Equal(("DOWNGRADE", "TIER_1K", "TIER_10K", "1000"), (downgrade.Event, downgrade.CurrentLimit, downgrade.OldLimit, downgrade.MaxDailyConversationPerPhone));
    }

    [Fact]
    public void BusinessCapabilityUpdate_Parses_NumbersAndTiers()
    {
        var value = Change(MetaExamples.BusinessCapabilityUpdate, WebhookFields.BusinessCapabilityUpdate).ReadBusinessCapabilityUpdate()!;

        Assert.Equal(("1000", "2", "TIER_2K"), (value.MaxDailyConversationPerPhone, value.MaxPhoneNumbersPerBusiness, value.MaxDailyConversationsPerBusiness));
    }

    [Fact]
    public void TemplateStatusAndCategoryUpdates_Parse()
    {
        var status = Change(MetaExamples.TemplateStatusUpdate, WebhookFields.MessageTemplateStatusUpdate).ReadMessageTemplateStatusUpdate()!;
        var category = Change(MetaExamples.TemplateCategoryUpdate, WebhookFields.TemplateCategoryUpdate).ReadTemplateCategoryUpdate()!;

        Assert.Equal(("PAUSED", "806312974732579", "order_confirmation", "en_US", "FIRST_PAUSE"), (status.Event, status.MessageTemplateId, status.MessageTemplateName, status.MessageTemplateLanguage, status.OtherInfo!.Title));
        Assert.Equal(("welcome_template", "UTILITY", "MARKETING"), (category.MessageTemplateName, category.PreviousCategory, category.NewCategory));
    }

    [Fact]
    public void AccountUpdatesAndAlerts_Parse()
    {
        var update = Change(MetaExamples.AccountUpdate, WebhookFields.AccountUpdate).ReadAccountUpdate()!;
        var alert = Change(MetaExamples.AccountAlerts, WebhookFields.AccountAlerts).ReadAccountAlerts()!;

        Assert.Equal(("ACCOUNT_RESTRICTION", "RESTRICTED_BIZ_INITIATED_MESSAGING", "1739923200"), (update.Event, update.RestrictionInfo![0].RestrictionType, update.RestrictionInfo[0].Expiration));
        Assert.Equal(("PHONE_NUMBER", "WARNING", "ACTIVE"), (alert.EntityType, alert.AlertInfo!.AlertSeverity, alert.AlertInfo.AlertStatus));
    }

    [Fact]
    public void ReviewNameAndBanUpdates_Parse_WithTheBanStateAsAStringOrAnArray()
    {
        var review = Change(MetaExamples.AccountReviewUpdate, WebhookFields.AccountReviewUpdate).ReadAccountReviewUpdate()!;
        var name = Change(MetaExamples.PhoneNumberNameUpdate, WebhookFields.PhoneNumberNameUpdate).ReadPhoneNumberNameUpdate()!;
        var ban = Change(MetaExamples.AccountBan, WebhookFields.AccountUpdate).ReadAccountUpdate()!;
        var listedBan = Change(MetaExamples.AccountBan.Replace("\"waba_ban_state\":\"DISABLE\"", "\"waba_ban_state\":[\"DISABLE\"]", StringComparison.Ordinal), WebhookFields.AccountUpdate).ReadAccountUpdate()!;

        Assert.Equal("APPROVED", review.Decision);
        Assert.Equal(("15550783881", "REJECTED", "Lucky Shrub", "NAME_FORMAT_UNACCEPTABLE"), (name.DisplayPhoneNumber, name.Decision, name.RequestedVerifiedName, name.RejectionReason));
        Assert.Equal(("DISABLED_UPDATE", "DISABLE", "1739321024"), (ban.Event, ban.BanInfo!.WabaBanState, ban.BanInfo.WabaBanDate));
        Assert.Equal("DISABLE", listedBan.BanInfo!.WabaBanState);
    }

    [Fact]
    public void AnUnknownField_IsKept_AndReadingItAsAnotherFieldGivesNothingFatal()
    {
        const string json = """{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"security","value":"not an object"}]}]}""";

        var change = Change(json, "security");

        Assert.Equal(JsonValueKind.String, change.Value.ValueKind);
        Assert.Null(change.ReadMessages());
    }

    private static WebhookChange Change(string json, string field)
    {
        var payload = JsonSerializer.Deserialize(json, CloudApiJsonContext.Wire.WebhookPayload)!;
        Assert.Equal("whatsapp_business_account", payload.ObjectType);
        var change = Assert.Single(Assert.Single(payload.Entry!).Changes!);
        Assert.Equal(field, change.Field);
        return change;
    }
}
