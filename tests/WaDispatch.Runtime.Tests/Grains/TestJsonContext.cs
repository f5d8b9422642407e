using System.Text.Json.Serialization;

namespace WaDispatch.Runtime.Tests.Grains;

[JsonSerializable(typeof(CounterState))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
