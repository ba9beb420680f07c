namespace BoneMets.Cds.Fhir.Fetch;

/// <summary>
/// The total budget of one <see cref="IEhrDataFetcher.FillAsync"/> call, carried to the HTTP resilience pipeline so that
/// the retry strategy can tell whether a <c>Retry-After</c> delay still fits.
/// </summary>
/// <remarks>
/// The Firely <c>FhirClient</c> builds the <see cref="HttpRequestMessage"/> itself, so the deadline cannot travel in
/// <see cref="HttpRequestMessage.Options"/>; it flows instead as an ambient value (<see cref="AsyncLocal{T}"/>) set by the
/// fetcher around its own calls. It holds only a clock reading: no token, URL or patient data. Outside a fetch (no
/// ambient budget) the pipeline behaves as if the budget were unlimited; cancellation still bounds it.
/// </remarks>
internal sealed class FetchBudget
{
    private static readonly AsyncLocal<FetchBudget?> Ambient = new();

    private readonly TimeProvider _clock;
    private readonly long _start;

    public FetchBudget(TimeSpan total, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        Total = total;
        _clock = clock;
        _start = clock.GetTimestamp();
    }

    /// <summary>The budget of the current fetch, if any.</summary>
    public static FetchBudget? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }

    public TimeSpan Total { get; }

    public TimeSpan Elapsed => _clock.GetElapsedTime(_start);

    public TimeSpan Remaining => Total - Elapsed;
}
