using System.Text.Json;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.Simulator;

/// <summary>An HTTP answer of the simulator: status, body and content type.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The body.</param>
/// <param name="ContentType">The body's content type.</param>
public sealed record SimulatorReply(int Status, byte[] Body, string ContentType = "application/json")
{
    /// <summary>A Cloud API error answer: <c>{"error": {...}}</c> with <paramref name="status"/>.</summary>
    public static SimulatorReply Error(int status, CloudApiError error) =>
        new(status, JsonSerializer.SerializeToUtf8Bytes(new CloudApiErrorResponse { Error = error }, CloudApiJsonContext.Wire.CloudApiErrorResponse));
}
