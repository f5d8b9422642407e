using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using WaDispatch.Grains;
using WaDispatch.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts WaDispatch's grains on an Orleans silo.</summary>
public static class WaDispatchSiloBuilderExtensions
{
    /// <summary>
    /// Adds WaDispatch to <paramref name="silo"/>: the serializers of its grain-call contracts, grain state through
    /// Orleans' ADO.NET provider in the same database as the ledger (stored as JSON an operator can read), and the
    /// services its grains stand on (<see cref="GrainsServiceCollectionExtensions.AddWaDispatchGrains"/>). Clustering
    /// and reminders are the host's choice. Needs storage and an upstream (<c>AddWaDispatchStorage</c>,
    /// <c>AddCloudApiClient</c>).
    /// </summary>
    public static ISiloBuilder AddWaDispatch(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddSerializer(serializer => serializer.AddWaDispatchContracts());
        // Before the first row is written: the provider's default is Newtonsoft JSON with $type annotations.
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Services.AddAdoNetGrainStorageAsDefault(options => options.Configure<StorageDatabase>((o, database) =>
        {
            if (database.Provider == StorageProvider.PostgreSql)
            {
                // The silo's one data source: grain state shares its bounded pool (Storage:MaxConnections).
                o.Invariant = "Npgsql";
                o.DataSource = database.DataSource;
            }
            else
            {
                // The invariant Orleans maps to Microsoft.Data.Sqlite (its "Microsoft.Data.Sqlite" key does not exist in 10.4).
                o.Invariant = "System.Data.SQLite";
                o.ConnectionString = database.DataSource.ConnectionString;
            }
        }));
        silo.Services.AddWaDispatchGrains();
        return silo;
    }
}
