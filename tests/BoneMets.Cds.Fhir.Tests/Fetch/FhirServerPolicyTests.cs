using BoneMets.Cds.Fhir.Fetch;

namespace BoneMets.Cds.Fhir.Tests.Fetch;

public sealed class FhirServerPolicyTests
{
    private const string Ehr = "https://ehr.example.org/fhir/R4";
    private const string Sandbox = "https://sandbox.example.net/fhir";
    private const string LocalDev = "http://localhost:8080/fhir";

    private static FhirFetchOptions Options(params string[] extraAllowed) => new()
    {
        AllowedServers = [Ehr, Sandbox, LocalDev, "http://169.254.169.254/latest", "https://metadata.google.internal/computeMetadata", "https://[fe80::1]/fhir", .. extraAllowed],
        OpenServers = [Sandbox],
    };

    private static FhirServerPolicy Policy(bool isDevelopment = false, bool isProduction = false) =>
        new(Options(), isDevelopment, isProduction);

    [Fact]
    public void No_server_is_not_given()
    {
        var decision = Policy().Decide(null, hasAccessToken: true);

        Assert.Equal(ServerAccess.NotGiven, decision.Access);
        Assert.False(decision.MayFetch);
        Assert.Null(decision.Base);
    }

    [Theory]
    [InlineData("https://ehr.example.org/fhir/R4")]
    [InlineData("https://ehr.example.org/fhir/R4/")]
    [InlineData("HTTPS://EHR.Example.ORG/fhir/R4")]
    [InlineData("https://ehr.example.org:443/fhir/R4")]
    [InlineData("https://ehr.example.org./fhir/R4")]
    public void Allow_listed_base_with_token_matches_after_normalisation(string server)
    {
        var decision = Policy().Decide(new Uri(server), hasAccessToken: true);

        Assert.Equal(ServerAccess.WithToken, decision.Access);
        Assert.True(decision.MayFetch);
        Assert.Equal(new Uri(Ehr), decision.Base); // the configured base, not the caller's spelling
        Assert.Null(decision.Reason);
    }

    [Theory]
    [InlineData("https://ehr.example.org/FHIR/R4")]            // path is case-sensitive
    [InlineData("https://ehr.example.org/fhir")]               // parent of the base
    [InlineData("https://ehr.example.org/fhir/R4/Patient")]    // below the base: not a base
    [InlineData("https://ehr.example.org/fhir/R4x")]
    [InlineData("https://ehr.example.org:8443/fhir/R4")]       // other port
    [InlineData("https://ehr.example.org.evil.test/fhir/R4")]
    [InlineData("https://evil.test/fhir/R4")]
    public void Anything_but_an_exact_base_is_not_allowed(string server)
    {
        var decision = Policy().Decide(new Uri(server), hasAccessToken: true);

        Assert.Equal(ServerAccess.NotAllowed, decision.Access);
        Assert.Equal(FhirServerPolicy.ReasonNotListed, decision.Reason);
        Assert.Null(decision.Base);
    }

    [Theory]
    [InlineData("https://user:pw@ehr.example.org/fhir/R4")]
    [InlineData("https://ehr.example.org/fhir/R4?x=1")]
    [InlineData("https://ehr.example.org/fhir/R4#frag")]
    public void User_info_query_or_fragment_is_not_allowed(string server)
    {
        var decision = Policy().Decide(new Uri(server), hasAccessToken: true);

        Assert.Equal(ServerAccess.NotAllowed, decision.Access);
        Assert.Equal(FhirServerPolicy.ReasonUrlParts, decision.Reason);
        Assert.DoesNotContain("pw", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_url_is_not_allowed()
    {
        var decision = Policy(isDevelopment: true).Decide(new Uri("/fhir", UriKind.Relative), hasAccessToken: true);

        Assert.Equal(ServerAccess.NotAllowed, decision.Access);
        Assert.Equal(FhirServerPolicy.ReasonNotAbsolute, decision.Reason);
    }

    [Fact]
    public void Http_is_allowed_only_in_development()
    {
        var server = new Uri(LocalDev);

        Assert.Equal(ServerAccess.WithToken, Policy(isDevelopment: true).Decide(server, true).Access);
        var staging = Policy().Decide(server, true);
        Assert.Equal(ServerAccess.NotAllowed, staging.Access);
        Assert.Equal(FhirServerPolicy.ReasonHttpsOnly, staging.Reason);
        Assert.Equal(ServerAccess.NotAllowed, Policy(isProduction: true).Decide(server, true).Access);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://ehr.example.org:70/_x")]
    [InlineData("ftp://ehr.example.org/fhir/R4")]
    [InlineData("ws://localhost:8080/fhir")]
    public void Non_http_schemes_are_never_allowed(string server)
    {
        var decision = Policy(isDevelopment: true).Decide(new Uri(server), hasAccessToken: true);

        Assert.Equal(ServerAccess.NotAllowed, decision.Access);
        Assert.Equal(FhirServerPolicy.ReasonScheme, decision.Reason);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest")]                  // configured, still refused
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://2852039166/latest")]                       // 169.254.169.254 as one decimal
    [InlineData("http://0xA9FEA9FE/latest")]
    [InlineData("http://169.254.169.254./latest")]
    [InlineData("http://169.254.1.2/fhir")]
    [InlineData("http://[::ffff:169.254.169.254]/latest")]
    [InlineData("https://[fe80::1]/fhir")]                         // configured, still refused
    [InlineData("https://[febf::1]/fhir")]
    [InlineData("http://[fd00:ec2::254]/latest")]
    [InlineData("https://metadata.google.internal/computeMetadata")] // configured, still refused
    [InlineData("http://METADATA.google.internal./computeMetadata")]
    [InlineData("http://100.100.100.200/latest")]
    public void Link_local_and_metadata_hosts_are_never_allowed_even_if_configured(string server)
    {
        var decision = Policy(isDevelopment: true).Decide(new Uri(server), hasAccessToken: true);

        Assert.Equal(ServerAccess.NotAllowed, decision.Access);
        Assert.Equal(FhirServerPolicy.ReasonForbiddenHost, decision.Reason);
    }

    [Fact]
    public void Open_server_without_token_is_open_outside_production()
    {
        var decision = Policy(isDevelopment: true).Decide(new Uri(Sandbox + "/"), hasAccessToken: false);

        Assert.Equal(ServerAccess.Open, decision.Access);
        Assert.True(decision.MayFetch);
        Assert.Equal(new Uri(Sandbox), decision.Base);
        Assert.Equal(ServerAccess.Open, Policy().Decide(new Uri(Sandbox), false).Access); // e.g. Staging
    }

    [Fact]
    public void Open_server_is_never_open_in_production()
    {
        var decision = Policy(isProduction: true).Decide(new Uri(Sandbox), hasAccessToken: false);

        Assert.Equal(ServerAccess.NotAllowed, decision.Access);
        Assert.Equal(FhirServerPolicy.ReasonNoToken, decision.Reason);
    }

    [Fact]
    public void Open_server_with_token_is_used_with_the_token()
    {
        Assert.Equal(ServerAccess.WithToken, Policy().Decide(new Uri(Sandbox), hasAccessToken: true).Access);
    }

    [Fact]
    public void Allow_listed_server_without_token_and_not_open_is_not_allowed()
    {
        var decision = Policy().Decide(new Uri(Ehr), hasAccessToken: false);

        Assert.Equal(ServerAccess.NotAllowed, decision.Access);
        Assert.Equal(FhirServerPolicy.ReasonNoToken, decision.Reason);
    }

    [Fact]
    public void Open_server_not_in_allowed_servers_is_ignored()
    {
        var policy = new FhirServerPolicy(new FhirFetchOptions { OpenServers = [Sandbox] }, isDevelopment: true, isProduction: false);

        Assert.Equal(ServerAccess.NotAllowed, policy.Decide(new Uri(Sandbox), false).Access);
    }

    [Fact]
    public void Reasons_never_quote_the_url()
    {
        foreach (var server in new[] { "https://secret-host.test/fhir", "file:///secret-host", "http://secret-host.test/fhir?patient=p1" })
        {
            var decision = Policy().Decide(new Uri(server), hasAccessToken: true);
            Assert.DoesNotContain("secret", decision.Reason, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Development_and_production_together_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new FhirServerPolicy(new FhirFetchOptions(), isDevelopment: true, isProduction: true));
    }

    [Fact]
    public void Base_of_a_url_is_the_longest_allow_listed_base_it_lies_on()
    {
        var policy = new FhirServerPolicy(
            new FhirFetchOptions { AllowedServers = ["https://ehr.example.org/fhir", "https://ehr.example.org/fhir/R4"] },
            isDevelopment: false,
            isProduction: true);

        Assert.Equal("https://ehr.example.org:443/fhir/R4", policy.BaseOf(new Uri("https://EHR.example.org/fhir/R4/Patient/1"))!.Key);
        Assert.Equal("https://ehr.example.org:443/fhir", policy.BaseOf(new Uri("https://ehr.example.org/fhir/Patient/1"))!.Key);
        Assert.Null(policy.BaseOf(new Uri("https://ehr.example.org/fhirx/Patient/1")));
        Assert.Null(policy.BaseOf(new Uri("https://other.example.org/fhir/Patient/1")));
    }

    // ---- Validate (start-up configuration faults) ----

    [Fact]
    public void Valid_configuration_has_no_faults()
    {
        var options = new FhirFetchOptions { AllowedServers = [Ehr, Sandbox, LocalDev], OpenServers = [Sandbox + "/"] };

        Assert.Empty(FhirServerPolicy.Validate(options, isProduction: false));
        Assert.Empty(FhirServerPolicy.Validate(new FhirFetchOptions(), isProduction: true));
        Assert.Empty(FhirServerPolicy.Validate(new FhirFetchOptions { AllowedServers = [Ehr] }, isProduction: true));
    }

    [Theory]
    [InlineData("not a url", "AllowedServers[0]: not an absolute URL")]
    [InlineData("/fhir", "AllowedServers[0]: not an absolute URL")]
    [InlineData("file:///etc/passwd", "AllowedServers[0]: only http(s) FHIR servers may be contacted")]
    [InlineData("gopher://x/", "AllowedServers[0]: only http(s) FHIR servers may be contacted")]
    [InlineData("http://169.254.169.254/", "AllowedServers[0]: link-local and cloud-metadata addresses are never contacted")]
    [InlineData("https://a.test/fhir?x=1", "AllowedServers[0]: a FHIR base URL has no user info, query or fragment")]
    public void Malformed_or_forbidden_allowed_server_is_a_fault(string url, string fault)
    {
        var faults = FhirServerPolicy.Validate(new FhirFetchOptions { AllowedServers = [url] }, isProduction: false);

        Assert.Equal([fault], faults);
    }

    [Fact]
    public void Faults_never_quote_the_configured_url()
    {
        var faults = FhirServerPolicy.Validate(new FhirFetchOptions { AllowedServers = ["https://user:secret@a.test/fhir"] }, isProduction: false);

        Assert.Single(faults);
        Assert.DoesNotContain("secret", faults[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Http_server_in_production_is_a_fault()
    {
        var faults = FhirServerPolicy.Validate(new FhirFetchOptions { AllowedServers = [LocalDev] }, isProduction: true);

        Assert.Equal(["AllowedServers[0]: only https FHIR servers may be contacted in Production"], faults);
    }

    [Fact]
    public void Open_server_not_allowed_listed_is_a_fault()
    {
        var faults = FhirServerPolicy.Validate(new FhirFetchOptions { AllowedServers = [Ehr], OpenServers = [Sandbox] }, isProduction: false);

        Assert.Equal(["OpenServers[0]: must also be listed in AllowedServers"], faults);
    }

    [Fact]
    public void Open_servers_in_production_are_a_fault()
    {
        var faults = FhirServerPolicy.Validate(new FhirFetchOptions { AllowedServers = [Sandbox], OpenServers = [Sandbox] }, isProduction: true);

        Assert.Contains("OpenServers: open (token-less) FHIR servers are not allowed in Production", faults);
    }

    [Fact]
    public void Malformed_open_server_is_a_fault()
    {
        var faults = FhirServerPolicy.Validate(new FhirFetchOptions { OpenServers = ["nope"] }, isProduction: false);

        Assert.Equal(["OpenServers[0]: not an absolute URL"], faults);
    }

    public static TheoryData<string, Action<FhirFetchOptions>> BadLimits => new()
    {
        { "TotalBudget must be positive", o => o.TotalBudget = TimeSpan.Zero },
        { "TotalBudget must be positive", o => o.TotalBudget = TimeSpan.FromSeconds(-1) },
        { "AttemptTimeout must be at least 10 ms", o => o.AttemptTimeout = TimeSpan.Zero },
        { "AttemptTimeout must not exceed TotalBudget", o => o.AttemptTimeout = TimeSpan.FromSeconds(2) },
        { "MaxRetries must not be negative", o => o.MaxRetries = -1 },
        { "MaxPages must be positive", o => o.MaxPages = 0 },
        { "MaxResponseBytes must be positive and at most 2147483647", o => o.MaxResponseBytes = 0 },
        { "MaxResponseBytes must be positive and at most 2147483647", o => o.MaxResponseBytes = 3L * 1024 * 1024 * 1024 },
        { "BreakerFailureRatio must be greater than 0 and at most 1", o => o.BreakerFailureRatio = 0 },
        { "BreakerFailureRatio must be greater than 0 and at most 1", o => o.BreakerFailureRatio = 1.5 },
        { "BreakerMinimumThroughput must be at least 2", o => o.BreakerMinimumThroughput = 1 },
        { "BreakerSamplingDuration must be at least 500 ms", o => o.BreakerSamplingDuration = TimeSpan.FromMilliseconds(100) },
        { "BreakerBreakDuration must be at least 500 ms", o => o.BreakerBreakDuration = TimeSpan.Zero },
    };

    [Theory]
    [MemberData(nameof(BadLimits))]
    public void Non_positive_or_out_of_range_limits_are_faults(string fault, Action<FhirFetchOptions> spoil)
    {
        var options = new FhirFetchOptions();
        spoil(options);

        Assert.Equal([fault], FhirServerPolicy.Validate(options, isProduction: false));
    }

    [Fact]
    public void Zero_retries_is_valid()
    {
        Assert.Empty(FhirServerPolicy.Validate(new FhirFetchOptions { MaxRetries = 0 }, isProduction: true));
    }
}
