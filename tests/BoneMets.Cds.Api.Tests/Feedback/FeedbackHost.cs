using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using BoneMets.Cds.Api.Tests.Infrastructure;
using BoneMets.Cds.Feedback;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BoneMets.Cds.Api.Tests.Feedback;

/// <summary>
/// The real host in memory with the real SQLite feedback store in a temporary data directory of its own (deleted on
/// disposal), the analytics endpoint enabled with <see cref="AdminKey"/>, captured logs, and helpers to post feedback,
/// read analytics and look into the database file directly.
/// </summary>
public sealed class FeedbackHost : IAsyncDisposable, IDisposable
{
    public const string AdminKey = "admin-key-for-tests-0123456789";
    public const string FeedbackPath = Hooks.ServicePath + "/feedback";

    private readonly WebApplicationFactory<Program> _factory;
    private HttpClient? _client;

    private readonly bool _ownsDataDirectory;

    /// <param name="settings">Extra host configuration.</param>
    /// <param name="environment">Host environment.</param>
    /// <param name="dataDirectory">A data directory to use and keep (e.g. for a restart); default: a new temporary one,
    /// deleted on disposal.</param>
    public FeedbackHost(IReadOnlyDictionary<string, string?>? settings = null, string environment = "Testing", string? dataDirectory = null)
    {
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "bonemets-feedback-" + Guid.NewGuid().ToString("N"));
        var all = new Dictionary<string, string?>
        {
            ["Cds:Feedback:DataDirectory"] = DataDirectory,
            ["Cds:Admin:ApiKey"] = AdminKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        Root = new CdsApiFactory(all, environment);
        _factory = Root.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(Logs)));
    }

    public CdsApiFactory Root { get; }

    public string DataDirectory { get; }

    public string DatabasePath => Path.Combine(DataDirectory, SqliteFeedbackStore.DatabaseFileName);

    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>The client; the first use starts the host.</summary>
    public HttpClient Client => _client ??= _factory.CreateClient();

    public IServiceProvider Services => _factory.Services;

    public IFeedbackStore Store => Services.GetRequiredService<IFeedbackStore>();

    /// <summary>A new client on the same host (for parallel posting).</summary>
    public HttpClient CreateClient() => _factory.CreateClient();

    public Task<HttpResponseMessage> PostFeedbackAsync(JsonNode body, HttpClient? client = null) =>
        Hooks.PostRawAsync(client ?? Client, body.ToJsonString(), FeedbackPath);

    /// <summary>GET /admin/analytics/cards with the admin key; asserts 200 and returns the JSON.</summary>
    public async Task<JsonElement> AnalyticsAsync(string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/analytics/cards" + query);
        request.Headers.Add("X-Api-Key", AdminKey);
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"analytics answered {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Posts a hook request and returns the cards' (uuid, topic, indicator, suggestion uuids).</summary>
    public async Task<IReadOnlyList<ShownCard>> PostHookAsync(JsonNode request, HttpClient? client = null)
    {
        using var response = await Hooks.PostAsync(client ?? Client, request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = await Hooks.ReadJsonAsync(response);
        return doc.RootElement.GetProperty("cards").EnumerateArray().Select(c => new ShownCard(
            c.GetProperty("uuid").GetString()!,
            c.GetProperty("source").GetProperty("topic").GetProperty("code").GetString()!,
            c.GetProperty("indicator").GetString()!,
            c.TryGetProperty("suggestions", out var s) ? s.EnumerateArray().Select(x => x.GetProperty("uuid").GetString()!).ToList() : [])).ToList();
    }

    /// <summary>Rows in a table of the database file, read on a connection of the test's own (not the store's).</summary>
    public long CountRows(string table, string where = "1 = 1")
    {
        using var connection = OpenDatabase();
        using var command = connection.CreateCommand();
#pragma warning disable CA2100 // test-only SQL from constants
        command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE {where}";
#pragma warning restore CA2100
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (the issued-card log is written in the background).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var deadline = Environment.TickCount64 + timeoutMs;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, "timed out waiting for " + what);
            await Task.Delay(25);
        }
    }

    public SqliteConnection OpenDatabase()
    {
        Assert.True(File.Exists(DatabasePath), "no database at " + DatabasePath);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public string AllLogs => string.Join("\n", Logs.Lines);

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        await _factory.DisposeAsync();
        await Root.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_ownsDataDirectory && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }
}

/// <summary>A card as the hook returned it.</summary>
public sealed record ShownCard(string Uuid, string Topic, string Indicator, IReadOnlyList<string> Suggestions);

/// <summary>Feedback bodies as an EHR sends them (CDS Hooks 2.0 §Feedback).</summary>
public static class FeedbackBodies
{
    public const string Timestamp = "2026-11-29T12:05:31Z";
    public const string ReasonSystem = "https://bonemets.example.org/override-reason";

    public static JsonObject Body(params JsonNode[] items) => new() { ["feedback"] = new JsonArray(items) };

    public static JsonObject Accepted(string card, string suggestion = "8c4c2b4e-0c8e-4d86-9d4e-3f0e7a1a5b01", string timestamp = Timestamp) => new()
    {
        ["card"] = card,
        ["outcome"] = "accepted",
        ["acceptedSuggestions"] = new JsonArray(new JsonObject { ["id"] = suggestion }),
        ["outcomeTimestamp"] = timestamp,
    };

    public static JsonObject Overridden(string card, string? reasonCode = null, string? comment = null, string timestamp = Timestamp)
    {
        var item = new JsonObject { ["card"] = card, ["outcome"] = "overridden", ["outcomeTimestamp"] = timestamp };
        if (reasonCode is not null || comment is not null)
        {
            var reason = new JsonObject();
            if (reasonCode is not null)
            {
                reason["reason"] = new JsonObject { ["code"] = reasonCode, ["system"] = ReasonSystem };
            }

            if (comment is not null)
            {
                reason["userComment"] = comment;
            }

            item["overrideReason"] = reason;
        }

        return item;
    }

    public static string NewCard() => Guid.NewGuid().ToString("D");
}

/// <summary>Asserts on HTTP answers.</summary>
public static class FeedbackAssert
{
    public static async Task OkEmptyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        Assert.Equal(string.Empty, text);
    }

    /// <summary>A 400 OperationOutcome whose issues name <paramref name="expression"/>; returns the diagnostics.</summary>
    public static async Task<string> BadRequestNamingAsync(HttpResponseMessage response, string expression)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var outcome = await ResponseAssertions.AssertOperationOutcomeAsync(response);
        Assert.Contains(outcome.Issue, i => i.Expression.Contains(expression));
        return string.Join("\n", outcome.Issue.Select(i => i.Diagnostics));
    }
}
