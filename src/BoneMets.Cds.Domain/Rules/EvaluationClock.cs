namespace BoneMets.Cds.Domain.Rules;

/// <summary>
/// The evaluation instant and the window arithmetic every rule shares. Windows are closed: a fact exactly on the edge
/// counts. Facts dated after <see cref="Latest"/> (now + <see cref="RuleEngine.FutureTolerance"/>) are treated as
/// data errors and ignored (except imaging orders, whose time may legitimately be a scheduled date).
/// </summary>
internal readonly record struct EvaluationClock(DateTimeOffset Now, TimeSpan FutureTolerance)
{
    /// <summary>The latest acceptable timestamp for a result or finding.</summary>
    public DateTimeOffset Latest => Now + FutureTolerance;

    /// <summary>True when <paramref name="time"/> is in [now − window, now + tolerance].</summary>
    public bool IsRecent(DateTimeOffset? time, TimeSpan window) =>
        time is { } t && t >= Now - window && t <= Latest;

    /// <summary>True when <paramref name="time"/> is not beyond the future tolerance.</summary>
    public bool IsNotFuture(DateTimeOffset time) => time <= Latest;
}
