using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Templates;
using WaDispatch.Grains.Templates;
using WaDispatch.Simulator.State;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>Local template checks against the templates the simulator's store is seeded with.</summary>
public sealed class TemplateCheckTests
{
    private static readonly IReadOnlyList<MessageTemplate> Seeds = new TemplateStore().Page(null, 100)!.Value.Page;

    private static MessageTemplate OrderConfirmation => Seeds.Single(t => t.Name == "order_confirmation");

    [Fact]
    public void TheOrderConfirmationOfMetasExample_Fits()
    {
        Assert.Null(TemplateCheck.Check(OrderConfirmation, Send("order_confirmation", Text("A-1001"), Currency("$100.99", "USD", 100990), Date("February 25, 1977"))));
    }

    [Fact]
    public void AMissingParameter_Is132000_NamingTheComponentAndTheCounts()
    {
        var error = TemplateCheck.Check(OrderConfirmation, Send("order_confirmation", Text("A-1001"), Text("$100.99")));

        Assert.Equal(ErrorCodes.GenericUserError, error!.Code);
        Assert.Equal("Template order_confirmation (en_US): body expects 3 parameters; the send has 2.", error.Details);
    }

    [Fact]
    public void ACurrencyWithoutItsCode_Is132012()
    {
        var error = TemplateCheck.Check(OrderConfirmation, Send("order_confirmation", Text("A-1001"), Currency("$100.99", "", 100990), Date("today")));

        Assert.Equal(ErrorCodes.TemplateParameterFormatMismatch, error!.Code);
    }

    [Theory]
    [InlineData("PAUSED", ErrorCodes.TemplatePaused)]
    [InlineData("DISABLED", ErrorCodes.TemplateDisabled)]
    [InlineData("PENDING", ErrorCodes.TemplateDoesNotExist)]
    [InlineData("REJECTED", ErrorCodes.TemplateDoesNotExist)]
    public void ATemplateThatIsNotApproved_IsRefusedWithMetasCode(string status, int code)
    {
        var error = TemplateCheck.Check(OrderConfirmation with { Status = status }, Send("order_confirmation", Text("A"), Text("B"), Text("C")));

        Assert.Equal(code, error!.Code);
    }

    [Fact]
    public void NamedParameters_MustCarryTheNamesOfThePlaceholders()
    {
        var template = new MessageTemplate
        {
            Name = "greeting",
            Language = "en_US",
            Status = "APPROVED",
            ParameterFormat = "NAMED",
            Components = [new MessageTemplateComponent { Type = "BODY", Text = "Hi {{first_name}}, your code is {{code}}." }],
        };

        var right = TemplateCheck.Check(template, Send("greeting", Text("Ana") with { ParameterName = "first_name" }, Text("42") with { ParameterName = "code" }));
        var wrong = TemplateCheck.Check(template, Send("greeting", Text("Ana") with { ParameterName = "name" }, Text("42") with { ParameterName = "code" }));

        Assert.Null(right);
        Assert.Equal(ErrorCodes.TemplateParameterFormatMismatch, wrong!.Code);
    }

    [Fact]
    public void AUrlButtonWithAPlaceholder_NeedsItsButtonParameter()
    {
        var template = new MessageTemplate
        {
            Name = "track",
            Language = "en_US",
            Status = "APPROVED",
            Components =
            [
                new MessageTemplateComponent { Type = "BODY", Text = "Your parcel is on its way." },
                new MessageTemplateComponent { Type = "BUTTONS", Buttons = [new MessageTemplateButton { Type = "URL", Text = "Track", Url = "https://example.com/t/{{1}}" }] },
            ],
        };
        var withButton = Send("track") with
        {
            Components = [new TemplateComponent { Type = "button", SubType = "url", Index = "0", Parameters = [Text("AB12")] }],
        };

        Assert.Null(TemplateCheck.Check(template, withButton));
        Assert.Equal(ErrorCodes.GenericUserError, TemplateCheck.Check(template, Send("track"))!.Code);
    }

    private static TemplateContent Send(string name, params TemplateParameter[] body) => new()
    {
        Name = name,
        Language = new TemplateLanguage { Code = "en_US" },
        Components = body.Length == 0 ? null : [new TemplateComponent { Type = "body", Parameters = body }],
    };

    private static TemplateParameter Text(string text) => new() { Type = "text", Text = text };

    private static TemplateParameter Currency(string fallback, string code, long amount) =>
        new() { Type = "currency", Currency = new CurrencyValue { FallbackValue = fallback, Code = code, Amount1000 = amount } };

    private static TemplateParameter Date(string fallback) => new() { Type = "date_time", DateTime = new DateTimeValue { FallbackValue = fallback } };
}
