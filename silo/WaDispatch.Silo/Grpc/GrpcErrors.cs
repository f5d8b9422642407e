using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using WaDispatch.CloudApi.Errors;
using WaDispatch.Grains.Messages;
using WaDispatch.Grpc;
using WaDispatch.Grpc.V1;
using Status = Google.Rpc.Status;

namespace WaDispatch.Silo.Grpc;

/// <summary>
/// The Cloud API error as a gRPC status: a code that fits, and rich details (<c>google.rpc.Status</c>) carrying an
/// <c>ErrorInfo</c> with the Cloud API error, a <c>BadRequest</c> naming the field, a <c>RetryInfo</c> when waiting
/// helps, and the <c>wadispatch.v1.Error</c> itself.
/// </summary>
internal static class GrpcErrors
{
    /// <summary>The <c>ErrorInfo</c> domain of WaDispatch's errors.</summary>
    public const string Domain = "wadispatch.io";

    /// <summary>The <c>ErrorInfo</c> reason: the metadata holds the Cloud API error.</summary>
    public const string Reason = "CLOUD_API_ERROR";

    /// <summary>INVALID_ARGUMENT for <paramref name="problem"/>'s field.</summary>
    public static RpcException Invalid(FieldProblem problem) =>
        Exception(CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", problem.Details), StatusCode.InvalidArgument, field: problem.Field);

    /// <summary>INVALID_ARGUMENT for <paramref name="field"/>, saying <paramref name="details"/>.</summary>
    public static RpcException Invalid(string field, string details) => Invalid(new FieldProblem(field, details));

    /// <summary>NOT_FOUND: nothing has <paramref name="id"/>.</summary>
    public static RpcException NotFound(string what, string id) =>
        Exception(CloudApiError.Create(ErrorCodes.InvalidParameter, $"Unknown {what}", $"No {what} has id {id}."), StatusCode.NotFound);

    /// <summary>FAILED_PRECONDITION: the thing is not in a state that allows this (a campaign already ended).</summary>
    public static RpcException Precondition(CloudApiError error) => Exception(error, StatusCode.FailedPrecondition);

    /// <summary>The status of a refusal by WaDispatch or Meta.</summary>
    public static RpcException Refusal(CloudApiError error, TimeSpan? retryAfter = null) => Exception(error, CodeOf(error.Code), retryAfter);

    /// <summary>The gRPC code that fits a Cloud API error code.</summary>
    public static StatusCode CodeOf(int code) => code switch
    {
        ErrorCodes.ReEngagementMessage or ErrorCodes.UserStoppedMarketing or ErrorCodes.KeywordOptOut or ErrorCodes.LegacyUserStoppedMarketing
            or ErrorCodes.MarketingCapReached or ErrorCodes.LegacyMarketingCapReached or ErrorCodes.TemplatePaused or ErrorCodes.TemplateDisabled
            or ErrorCodes.BusinessAccountLocked or ErrorCodes.BusinessPaymentIssue or ErrorCodes.MessageUndeliverable => StatusCode.FailedPrecondition,
        ErrorCodes.AccessTokenExpired => StatusCode.Unauthenticated,
        ErrorCodes.PermissionDenied or ErrorCodes.AccessDenied => StatusCode.PermissionDenied,
        _ => RefusalStatus.Of(code) switch
        {
            429 => StatusCode.ResourceExhausted,
            502 or 503 => StatusCode.Unavailable,
            _ => StatusCode.InvalidArgument,
        },
    };

    /// <summary>The rich status of <paramref name="error"/> with <paramref name="code"/>.</summary>
    public static Status StatusOf(CloudApiError error, StatusCode code, TimeSpan? retryAfter = null, string? field = null)
    {
        var proto = ErrorMapping.ToProto(error, retryAfter, field);
        var info = new ErrorInfo { Reason = Reason, Domain = Domain };
        info.Metadata.Add("code", error.Code.ToString(CultureInfo.InvariantCulture));
        info.Metadata.Add("title", proto.Title);
        info.Metadata.Add("details", proto.Details);
        if (proto.Field.Length > 0)
        {
            info.Metadata.Add("field", proto.Field);
        }

        var status = new Status { Code = (int)code, Message = proto.Details };
        status.Details.Add(Any.Pack(info));
        if (code == StatusCode.InvalidArgument && proto.Field.Length > 0)
        {
            status.Details.Add(Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = proto.Field, Description = proto.Details } } }));
        }

        if (retryAfter is { } wait)
        {
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(wait < TimeSpan.Zero ? TimeSpan.Zero : wait) }));
        }

        status.Details.Add(Any.Pack(proto));
        return status;
    }

    /// <summary>Writes a trailers-only gRPC answer with <paramref name="error"/> (for refusals made before a gRPC handler runs: keys, rate limit).</summary>
    public static Task WriteAsync(HttpContext context, CloudApiError error, StatusCode code, TimeSpan? retryAfter = null)
    {
        var status = StatusOf(error, code, retryAfter);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = ((int)code).ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(status.Message);
        context.Response.Headers["grpc-status-details-bin"] = Convert.ToBase64String(status.ToByteArray());
        return Task.CompletedTask;
    }

    /// <summary>True for calls of WaDispatch's own gRPC services (keys and rate limit apply; health and reflection are open).</summary>
    public static bool IsApi(PathString path) => path.StartsWithSegments("/wadispatch.v1.Dispatcher");

    private static RpcException Exception(CloudApiError error, StatusCode code, TimeSpan? retryAfter = null, string? field = null) =>
        StatusOf(error, code, retryAfter, field).ToRpcException();
}
