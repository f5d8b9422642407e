using System.Buffers;

namespace WaDispatch.Silo.Api;

/// <summary>What a phone number id and a business id may look like in the admin API.</summary>
internal static class AdminIds
{
    /// <summary>Longer than any Meta id, short enough to keep keys and logs sane.</summary>
    public const int MaxLength = 64;

    private static readonly SearchValues<char> IdCharacters = SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.");

    /// <summary>Null when <paramref name="id"/> is acceptable, else the error detail naming <paramref name="field"/>.</summary>
    public static string? Check(string? id, string field) =>
        string.IsNullOrEmpty(id) ? $"{field} is required."
        : id.Length > MaxLength ? $"{field} is {id.Length} characters long; the limit is {MaxLength}."
        : id.AsSpan().ContainsAnyExcept(IdCharacters) ? $"{field} may contain only letters, digits, '-', '_' and '.'."
        : null;

    /// <summary>Like <see cref="Check"/>, for ids Meta makes of digits only (a WABA's): null when <paramref name="id"/> is acceptable.</summary>
    public static string? CheckDigits(string? id, string field) =>
        Check(id, field) ?? (id.AsSpan().ContainsAnyExceptInRange('0', '9') ? $"{field} must be Meta's numeric id (digits only)." : null);
}
