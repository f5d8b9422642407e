namespace WaDispatch.Grains.Messages;

/// <summary>
/// The statuses of a message in the ledger, in the order they move: accepted → sending → sent →
/// delivered → read, or one of the ends failed, expired, skipped. Nothing moves backwards.
/// </summary>
public static class MessageStatuses
{
    /// <summary>Durably accepted, not yet handed to Meta (possibly waiting for a limit to pass).</summary>
    public const string Accepted = "accepted";

    /// <summary>Its request is leaving for Meta. A crash now leaves its outcome unknown, so it is never sent again.</summary>
    public const string Sending = "sending";

    /// <summary>Meta accepted it (it has a <c>wamid</c>).</summary>
    public const string Sent = "sent";

    /// <summary>Meta reported it delivered.</summary>
    public const string Delivered = "delivered";

    /// <summary>Meta reported it read.</summary>
    public const string Read = "read";

    /// <summary>Refused (locally or by Meta), or its outcome is unknown; the error says which.</summary>
    public const string Failed = "failed";

    /// <summary>It could not go before its expiry.</summary>
    public const string Expired = "expired";

    /// <summary>Skipped for good (a campaign recipient who opted out, is undeliverable or a duplicate).</summary>
    public const string Skipped = "skipped";

    /// <summary>History entry: held back by a limit that passes, to go again later.</summary>
    public const string Deferred = "deferred";

    /// <summary>History entry: taken back from a lane that stopped before sending it.</summary>
    public const string Requeued = "requeued";

    internal const int AcceptedRank = 0;
    internal const int SendingRank = 1;
    internal const int SentRank = 2;
    internal const int DeliveredRank = 3;
    internal const int ReadRank = 4;
    internal const int EndRank = 5;

    /// <summary>Where <paramref name="status"/> comes in a message's life, for ordering its history.</summary>
    public static int Order(string status) => status switch
    {
        Accepted => 0,
        Deferred or Requeued => 1,
        Sending => 2,
        Sent => 3,
        Delivered => 4,
        Read => 5,
        _ => 6,
    };

    /// <summary>True for a status after which nothing more is sent: sent, delivered, read, failed, expired, skipped.</summary>
    public static bool IsDone(string status) => status is not (Accepted or Sending);
}
