using System.Net;
using BoneMets.Cds.Fhir.Fetch;

namespace BoneMets.Cds.Fhir.Tests.Fetch;

public sealed class FhirBaseUrlTests
{
    private static FhirBaseUrl Base(string text)
    {
        Assert.True(FhirBaseUrl.TryCreate(text, out var url, out var fault), fault);
        return url!;
    }

    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("169.254.0.1", true)]
    [InlineData("100.100.100.200", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fe80::1%2", true)]
    [InlineData("febf:ffff::1", true)]
    [InlineData("fd00:ec2::254", true)]
    [InlineData("127.0.0.1", false)] // a developer's local FHIR server: only the allow-list decides
    [InlineData("::1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("169.253.255.255", false)]
    [InlineData("169.255.0.1", false)]
    [InlineData("100.100.100.201", false)]
    [InlineData("fec0::1", false)]
    [InlineData("fd00:ec2::253", false)]
    public void Link_local_and_metadata_addresses_are_refused_at_connect(string address, bool forbidden)
    {
        Assert.Equal(forbidden, FhirBaseUrl.IsForbiddenAddress(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("https://ehr.example.org/fhir/Condition?_page=2", true)]
    [InlineData("https://EHR.example.org:443/fhir/Condition?_page=2", true)]
    [InlineData("https://ehr.example.org/fhir?_getpages=abc", true)]
    [InlineData("Condition?_page=2", true)] // relative: resolved against the base
    [InlineData("http://ehr.example.org/fhir/Condition?_page=2", false)] // scheme downgrade
    [InlineData("https://ehr.example.org:8443/fhir/Condition", false)]
    [InlineData("https://ehr.example.org/fhirx/Condition", false)]
    [InlineData("https://ehr.example.org/FHIR/Condition", false)]
    [InlineData("https://ehr.example.org/fhir/../admin/Condition", false)]
    [InlineData("https://user@ehr.example.org/fhir/Condition", false)]
    [InlineData("https://evil.test/fhir/Condition", false)]
    [InlineData("//evil.test/fhir/Condition", false)]
    [InlineData("", false)]
    public void Next_link_is_followed_only_on_the_base(string link, bool followed)
    {
        var url = EhrDataFetcher.ResolveOnBase(Base("https://ehr.example.org/fhir/"), link);

        Assert.Equal(followed, url is not null);
        if (url is not null)
        {
            Assert.StartsWith("https://ehr.example.org/fhir", url.AbsoluteUri, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Normalised_form_drops_default_port_and_trailing_slash_and_keeps_path_case()
    {
        var url = Base("HTTPS://EHR.Example.org:443/Fhir/R4/");

        Assert.Equal("https://ehr.example.org/Fhir/R4", url.Uri.AbsoluteUri);
        Assert.Equal("https://ehr.example.org:443/Fhir/R4", url.Key);
    }
}
