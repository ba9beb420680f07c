namespace BoneMets.Cds.Api.Tests.Infrastructure;

/// <summary>Finds the repository root (the folder holding BoneMets.Cds.sln) from the test binary.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SampleRequest(string name) => Path.Combine(Root, "samples", "requests", name + ".json");

    public static string CdsServices => Path.Combine(Root, "cds-services");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BoneMets.Cds.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("BoneMets.Cds.sln not found above " + AppContext.BaseDirectory);
    }
}
