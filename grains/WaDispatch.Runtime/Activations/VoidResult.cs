namespace WaDispatch.Runtime.Activations;

/// <summary>The result of a grain method that returns no value.</summary>
internal readonly struct VoidResult;
