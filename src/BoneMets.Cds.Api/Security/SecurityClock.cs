namespace BoneMets.Cds.Api.Security;

/// <summary>
/// The clock JWT lifetimes, key-set ages and replay windows are judged on: the host's <see cref="TimeProvider"/>, except
/// when <c>Cds:EvaluationAsOf</c> pins the clinical clock (Development samples profile) — then the wall clock, so real
/// tokens keep working.
/// </summary>
/// <param name="Time">The clock.</param>
public sealed record SecurityClock(TimeProvider Time);
