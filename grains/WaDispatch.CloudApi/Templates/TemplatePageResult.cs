using WaDispatch.CloudApi.Errors;

namespace WaDispatch.CloudApi.Templates;

/// <summary>One page of a WABA's templates, or why it could not be read.</summary>
/// <param name="Page">The page, when the call succeeded.</param>
/// <param name="Error">The error, when it did not.</param>
public sealed record TemplatePageResult(MessageTemplatePage? Page, CloudApiError? Error);
