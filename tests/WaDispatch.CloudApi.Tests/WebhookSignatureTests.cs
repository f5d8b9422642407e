using System.Text;
using WaDispatch.CloudApi.Webhooks;
using Xunit;

namespace WaDispatch.CloudApi.Tests;

public sealed class WebhookSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(MetaExamples.StatusSent);

    [Fact]
    public void Compute_IsTheHexHmacSha256OfTheRawBody()
    {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        var signature = WebhookSignature.Compute(Encoding.ASCII.GetBytes("what do ya want for nothing?"), "Jefe");

        Assert.Equal("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", signature);
    }

    [Fact]
    public void Verify_AcceptsTheRightSignature_InEitherCase()
    {
        var signature = WebhookSignature.Compute(Body, "app-secret");

        Assert.True(WebhookSignature.Verify(Body, signature, "app-secret"));
        Assert.True(WebhookSignature.Verify(Body, "sha256=" + signature[7..].ToUpperInvariant(), "app-secret"));
    }

    [Fact]
    public void Verify_RejectsATamperedBody_AWrongSecret_AndMalformedHeaders()
    {
        var signature = WebhookSignature.Compute(Body, "app-secret");
        var tampered = (byte[])Body.Clone();
        tampered[^3] ^= 1;

        Assert.False(WebhookSignature.Verify(tampered, signature, "app-secret"));
        Assert.False(WebhookSignature.Verify(Body, signature, "other-secret"));
        Assert.False(WebhookSignature.Verify(Body, null, "app-secret"));
        Assert.False(WebhookSignature.Verify(Body, signature[7..], "app-secret"));
        Assert.False(WebhookSignature.Verify(Body, "sha1=" + signature[7..], "app-secret"));
        Assert.False(WebhookSignature.Verify(Body, signature[..^2], "app-secret"));
    }
}
