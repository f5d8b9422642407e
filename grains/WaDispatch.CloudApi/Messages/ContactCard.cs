namespace WaDispatch.CloudApi.Messages;

/// <summary>A contact card in a <c>contacts</c> message (fields Meta accepts, all optional but the name).</summary>
public sealed record ContactCard
{
    /// <summary>Street addresses.</summary>
    public IReadOnlyList<ContactAddress>? Addresses { get; init; }

    /// <summary>Birthday, YYYY-MM-DD.</summary>
    public string? Birthday { get; init; }

    /// <summary>E-mail addresses.</summary>
    public IReadOnlyList<ContactEmail>? Emails { get; init; }

    /// <summary>The contact's name; <c>formatted_name</c> is required.</summary>
    public ContactName? Name { get; init; }

    /// <summary>Organisation.</summary>
    public ContactOrg? Org { get; init; }

    /// <summary>Phone numbers.</summary>
    public IReadOnlyList<ContactPhone>? Phones { get; init; }

    /// <summary>Web addresses.</summary>
    public IReadOnlyList<ContactUrl>? Urls { get; init; }
}

/// <summary>A contact's name.</summary>
public sealed record ContactName
{
    /// <summary>The full name as shown; required.</summary>
    public string? FormattedName { get; init; }

    /// <summary>First name.</summary>
    public string? FirstName { get; init; }

    /// <summary>Last name.</summary>
    public string? LastName { get; init; }

    /// <summary>Middle name.</summary>
    public string? MiddleName { get; init; }

    /// <summary>Name prefix.</summary>
    public string? Prefix { get; init; }

    /// <summary>Name suffix.</summary>
    public string? Suffix { get; init; }
}

/// <summary>A contact's phone number.</summary>
public sealed record ContactPhone
{
    /// <summary>The number.</summary>
    public string? Phone { get; init; }

    /// <summary>CELL, MAIN, IPHONE, HOME or WORK.</summary>
    public string? Type { get; init; }

    /// <summary>The WhatsApp id, when known.</summary>
    public string? WaId { get; init; }
}

/// <summary>A contact's e-mail address.</summary>
public sealed record ContactEmail
{
    /// <summary>The address.</summary>
    public string? Email { get; init; }

    /// <summary>HOME or WORK.</summary>
    public string? Type { get; init; }
}

/// <summary>A contact's web address.</summary>
public sealed record ContactUrl
{
    /// <summary>The URL.</summary>
    public string? Url { get; init; }

    /// <summary>HOME or WORK.</summary>
    public string? Type { get; init; }
}

/// <summary>A contact's organisation.</summary>
public sealed record ContactOrg
{
    /// <summary>Company.</summary>
    public string? Company { get; init; }

    /// <summary>Department.</summary>
    public string? Department { get; init; }

    /// <summary>Title.</summary>
    public string? Title { get; init; }
}

/// <summary>A contact's street address.</summary>
public sealed record ContactAddress
{
    /// <summary>Street.</summary>
    public string? Street { get; init; }

    /// <summary>City.</summary>
    public string? City { get; init; }

    /// <summary>State.</summary>
    public string? State { get; init; }

    /// <summary>Postal code.</summary>
    public string? Zip { get; init; }

    /// <summary>Country name.</summary>
    public string? Country { get; init; }

    /// <summary>ISO country code.</summary>
    public string? CountryCode { get; init; }

    /// <summary>HOME or WORK.</summary>
    public string? Type { get; init; }
}
