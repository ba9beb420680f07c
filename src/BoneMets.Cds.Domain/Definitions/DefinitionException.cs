namespace BoneMets.Cds.Domain.Definitions;

/// <summary>
/// A definition file in <c>cds-services/</c> is missing or wrong. Thrown at start-up only; the host stops with
/// <see cref="Exception.Message"/>, which names the file and the fault.
/// </summary>
public sealed class DefinitionException : Exception
{
    public DefinitionException(string file, string fault, Exception? inner = null)
        : base($"Invalid definition file '{file}': {fault}", inner)
    {
        File = file;
        Fault = fault;
    }

    public DefinitionException()
        : this("(unknown)", "unspecified fault")
    {
    }

    public DefinitionException(string message)
        : this("(unknown)", message)
    {
    }

    public DefinitionException(string message, Exception inner)
        : this("(unknown)", message, inner)
    {
    }

    /// <summary>Path of the offending file.</summary>
    public string File { get; }

    /// <summary>What is wrong with it.</summary>
    public string Fault { get; }
}
