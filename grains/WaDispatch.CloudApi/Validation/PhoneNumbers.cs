namespace WaDispatch.CloudApi.Validation;

/// <summary>Phone-number plausibility checks for <c>to</c>.</summary>
public static class PhoneNumbers
{
    /// <summary>
    /// True for an optional <c>+</c> followed by 8 to 15 digits not starting with 0, ignoring the spaces,
    /// dashes, dots and parentheses people write numbers with.
    /// </summary>
    public static bool IsPlausibleE164(string? number)
    {
        if (string.IsNullOrWhiteSpace(number))
        {
            return false;
        }

        var span = number.AsSpan().Trim();
        if (span[0] == '+')
        {
            span = span[1..];
        }

        var digits = 0;
        foreach (var c in span)
        {
            if (char.IsAsciiDigit(c))
            {
                if (digits == 0 && c == '0')
                {
                    return false;
                }

                digits++;
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')'))
            {
                return false;
            }
        }

        return digits is >= 8 and <= 15;
    }

    /// <summary>The digits of <paramref name="number"/>: the form Meta uses for <c>wa_id</c>.</summary>
    public static string Digits(string number) => string.Concat(number.Where(char.IsAsciiDigit));
}
