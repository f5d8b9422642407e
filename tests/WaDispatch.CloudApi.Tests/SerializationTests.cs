using System.Text;
using System.Text.Json;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Serialization;
using Xunit;

namespace WaDispatch.CloudApi.Tests;

public sealed class SerializationTests
{
    public static TheoryData<string> Sends => [.. MetaExamples.Sends];

    [Theory]
    [MemberData(nameof(Sends))]
    public void EveryMessageType_RoundTrips_ByteForByte(string example)
    {
        var request = JsonSerializer.Deserialize(example, CloudApiJsonContext.Wire.SendMessageRequest)!;

        var written = JsonSerializer.Serialize(request, CloudApiJsonContext.Wire.SendMessageRequest);

        Assert.Equal(example, written);
    }

    [Fact]
    public void ATypedTemplateSend_SerializesExactlyAsMetasExample()
    {
        var request = new SendMessageRequest
        {
            RecipientType = "individual",
            To = "+16505551234",
            Type = MessageTypes.Template,
            Template = new TemplateContent
            {
                Name = "order_confirmation",
                Language = new TemplateLanguage { Code = "en_US", Policy = "deterministic" },
                Components =
                [
                    new TemplateComponent
                    {
                        Type = "body",
                        Parameters =
                        [
                            new TemplateParameter { Type = "text", Text = "A-1001" },
                            new TemplateParameter { Type = "currency", Currency = new CurrencyValue { FallbackValue = "$100.99", Code = "USD", Amount1000 = 100990 } },
                            new TemplateParameter { Type = "date_time", DateTime = new DateTimeValue { FallbackValue = "February 25, 1977" } },
                        ],
                    },
                    new TemplateComponent { Type = "button", SubType = "quick_reply", Index = "0", Parameters = [new TemplateParameter { Type = "payload", Payload = "YES" }] },
                ],
            },
            BizOpaqueCallbackData = "campaign-42/recipient-7",
            Context = new MessageContext { MessageId = "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA" },
        };

        var bytes = JsonSerializer.SerializeToUtf8Bytes(request, CloudApiJsonContext.Wire.SendMessageRequest);

        Assert.Equal(MetaExamples.TemplateSend, Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void TheSuccessResponse_Parses_AndWritesBackUnchanged()
    {
        var response = JsonSerializer.Deserialize(MetaExamples.SendResponse, CloudApiJsonContext.Wire.SendMessageResponse)!;

        Assert.Equal("16505551234", response.Contacts![0].WaId);
        Assert.Equal("wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA", response.Messages![0].Id);
        Assert.Equal("accepted", response.Messages[0].MessageStatus);
        Assert.Equal(MetaExamples.SendResponse, JsonSerializer.Serialize(response, CloudApiJsonContext.Wire.SendMessageResponse));
    }

    [Fact]
    public void TheSynchronousError_Parses_AndWritesBackUnchanged()
    {
        var error = JsonSerializer.Deserialize(MetaExamples.SyncError, CloudApiJsonContext.Wire.CloudApiErrorResponse)!.Error!;

        Assert.Equal(ErrorCodes.RateLimitHit, error.Code);
        Assert.Equal("Cloud API message throughput has been reached.", error.Details);
        Assert.Equal("Az8or2yhqkZfEZ-_4Qn_Bam", error.FbtraceId);
        Assert.Equal(MetaExamples.SyncError, JsonSerializer.Serialize(new CloudApiErrorResponse { Error = error }, CloudApiJsonContext.Wire.CloudApiErrorResponse));
    }

    [Fact]
    public void UnknownFields_AreTolerated()
    {
        const string json = """{"messaging_product":"whatsapp","to":"+16505551234","type":"text","text":{"body":"hi","future":1},"brand_new":{"x":[1,2]}}""";

        var request = JsonSerializer.Deserialize(json, CloudApiJsonContext.Wire.SendMessageRequest)!;

        Assert.Equal("hi", request.Text!.Body);
    }

    [Fact]
    public void OnlyWhatJsonRequires_IsEscaped()
    {
        var request = new SendMessageRequest { To = "+16505551234", Type = "text", Text = new TextContent { Body = "\"Olá\" \\ 😀\n\t\u0001" } };

        var json = JsonSerializer.Serialize(request, CloudApiJsonContext.Wire.SendMessageRequest);

        Assert.Contains("""\"Olá\" \\ 😀\n\t\u0001""", json, StringComparison.Ordinal);
        Assert.Equal(request.Text.Body, JsonSerializer.Deserialize(json, CloudApiJsonContext.Wire.SendMessageRequest)!.Text!.Body);
    }

    [Fact]
    public void AButtonIndexSentAsANumber_ReadsAsItsText()
    {
        const string json = """{"messaging_product":"whatsapp","to":"+16505551234","type":"template","template":{"name":"t","language":{"code":"en"},"components":[{"type":"button","sub_type":"quick_reply","index":1,"parameters":[{"type":"payload","payload":"Y"}]}]}}""";

        var request = JsonSerializer.Deserialize(json, CloudApiJsonContext.Wire.SendMessageRequest)!;

        Assert.Equal("1", request.Template!.Components![0].Index);
    }

    [Fact]
    public void AnErrorBodyWithoutACode_IsNotReadAsACloudApiError()
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"error":{"message":"Service unavailable"}}""", CloudApiJsonContext.Wire.CloudApiErrorResponse));
    }
}
