using Orleans.Serialization;
using System.Text.Json.Serialization.Metadata;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.Grains;

/// <summary>How WaDispatch's grain contracts cross grain calls: register on every silo and every Orleans client.</summary>
public static class ContractSerialization
{
    /// <summary>
    /// Serializes the Cloud API's wire models (send requests and responses, errors, templates) that grain-call types
    /// carry as JSON, with the Cloud API's own source-generated contract: their stable form is Meta's JSON, so they
    /// need no Orleans ids of their own, and the Cloud API library stays free of Orleans. Every other contract type
    /// has <c>[GenerateSerializer]</c>, stable <c>[Id]</c>s and an <c>[Alias]</c>.
    /// </summary>
    public static ISerializerBuilder AddWaDispatchContracts(this ISerializerBuilder serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        var options = CloudApiJsonContext.Default.Options;
        return serializer.AddJsonSerializer(type => IsCloudApiModel(type, options.TypeInfoResolver), options);
    }

    private static bool IsCloudApiModel(Type type, IJsonTypeInfoResolver? resolver) =>
        type.Namespace?.StartsWith("WaDispatch.CloudApi", StringComparison.Ordinal) == true
        && resolver?.GetTypeInfo(type, CloudApiJsonContext.Default.Options) is not null;
}
