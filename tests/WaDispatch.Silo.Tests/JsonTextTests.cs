using System.Text.Json;
using WaDispatch.Silo.Api;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>What <see cref="JsonText"/> finds unreadable in a request body, and the path it names.</summary>
public sealed class JsonTextTests
{
    [Theory]
    [InlineData("""{"to":"+1650","template":{"name":"hello","components":[{"parameters":[{"text":"ok"},{"text":"a\u0000b"}]}]}}""", "template.components[0].parameters[1].text", "a NUL character")]
    [InlineData("""{"to":"\ud800"}""", "to", "an unpaired surrogate (a \\ud800-\\udfff escape without its pair), which is not text")]
    [InlineData("""[["ok"],["\udc00\ud800"]]""", "[1][0]", "an unpaired surrogate (a \\ud800-\\udfff escape without its pair), which is not text")]
    [InlineData("""{"a":{"b\u0000":1}}""", "a.b\0", "a NUL character")]
    [InlineData("""{"a":{"\ud800":1}}""", "a property name in a", "an unpaired surrogate, which is not text")]
    [InlineData("""{"\ud800":1}""", "a property name", "an unpaired surrogate, which is not text")]
    [InlineData("""{"a":{"":"\u0000"}}""", "a.", "a NUL character")]
    [InlineData("""{"a":{"[x":"\u0000"}}""", "a.[x", "a NUL character")]
    [InlineData("""{"a":[{"[0]":"\u0000"}]}""", "a[0].[0]", "a NUL character")]
    [InlineData("""[{"":"\u0000"}]""", "[0].", "a NUL character")]
    [InlineData("""{"a":{"":{"\ud800":1}}}""", "a property name in a.", "an unpaired surrogate, which is not text")]
    public void AnUnreadableString_IsNamedByItsPath(string json, string path, string reason)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal((path, reason), JsonText.FindUnreadable(document.RootElement));
    }

    [Fact]
    public void BytesThatAreNotUtf8_InAStringOrAName_AreUnreadable()
    {
        // A lone surrogate written as raw bytes (ED A0 80), not as an escape: the reader takes it, decoding it fails.
        byte[] value = [.. "{\"to\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8];
        byte[] name = [.. "{\"a\":{\""u8, 0xFF, .. "\":1}}"u8];
        using var inValue = JsonDocument.Parse(value);
        using var inName = JsonDocument.Parse(name);

        Assert.Equal("to", JsonText.FindUnreadable(inValue.RootElement)?.Path);
        Assert.Equal("a property name in a", JsonText.FindUnreadable(inName.RootElement)?.Path);
    }

    [Theory]
    [InlineData("""{"to":"+1650","text":{"body":"caf\u00e9 \ud83d\ude00 \"quoted\" back\\slash"},"n":[1,2.5,true,null]}""")]
    [InlineData("""{"tab\there":"é 😀"}""")]
    public void ReadableText_EscapedOrNot_IsFine(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Null(JsonText.FindUnreadable(document.RootElement));
    }

    [Fact]
    public void ASkippedTopLevelProperty_IsNotLookedAt_ButTheSameNameDeeperIs()
    {
        using var document = JsonDocument.Parse("""{"raw":"\u0000","inner":{"raw":"\u0000"}}""");

        Assert.Equal(("inner.raw", "a NUL character"), JsonText.FindUnreadable(document.RootElement, new HashSet<string> { "raw" }));
    }
}
