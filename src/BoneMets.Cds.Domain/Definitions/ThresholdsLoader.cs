using System.Globalization;
using System.Text.Json;

namespace BoneMets.Cds.Domain.Definitions;

/// <summary>
/// Loads <c>cds-services/thresholds.json</c> into <see cref="Thresholds"/> and validates every value. Any problem (missing
/// file, bad JSON, missing or unknown field, wrong type, out-of-range value) throws <see cref="DefinitionException"/>
/// whose fault names the field by its JSON path, e.g. <c>windows.calciumDays</c>, so the host stops with a clear message.
/// </summary>
/// <remarks>
/// Field names are camelCase as in the file. Keys starting with <c>_</c> are comments and are ignored at every level.
/// Unknown keys are rejected (a misspelt key would otherwise silently fall back to nothing). <c>version</c> is optional
/// and, when present, must be a non-empty string.
/// </remarks>
public static class ThresholdsLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    /// <summary>Reads and validates the file at <paramref name="path"/>.</summary>
    /// <exception cref="DefinitionException">The file is missing, unreadable or invalid.</exception>
    public static Thresholds Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DefinitionException(path, "file not found", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new DefinitionException(path, "file could not be read: " + ex.Message, ex);
        }

        return Parse(json, path);
    }

    /// <summary>Parses and validates thresholds JSON; <paramref name="file"/> is only used in error messages.</summary>
    /// <exception cref="DefinitionException">The JSON is invalid.</exception>
    public static Thresholds Parse(string json, string file)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(file);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new DefinitionException(file, "not valid JSON: " + ex.Message, ex);
        }

        using (document)
        {
            return new Reader(file).Read(document.RootElement);
        }
    }

    private sealed class Reader(string file)
    {
        // Sanity caps: a window of more than 10 years, or a look-back of more than a century, is a typo.
        private const int MaxDays = 3650;
        private const int MaxHours = 24 * 365;
        private const int MaxYears = 100;

        public Thresholds Read(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Fault("the root must be a JSON object");
            }

            CheckKeys(root, string.Empty,
                "version", "windows", "adultAgeYears", "defaultUln", "hypercalcemiaCtcae", "alpCtcaeUlnMultiples",
                "payne", "severeHypercalcemiaMgDl", "calciumMolarMass");

            if (root.TryGetProperty("version", out var version)
                && (version.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(version.GetString())))
            {
                throw Fault("field 'version' must be a non-empty string");
            }

            var w = RequiredObject(root, "windows", "windows");
            CheckKeys(w, "windows",
                "calciumDays", "albuminPairingHours", "alpDays", "ggtPairingDays", "symptomDays", "fractureDays",
                "recentBoneImagingDays", "cancerLookbackYears");
            var windows = new WindowSettings
            {
                CalciumDays = PositiveInt(w, "calciumDays", "windows", MaxDays),
                AlbuminPairingHours = PositiveInt(w, "albuminPairingHours", "windows", MaxHours),
                AlpDays = PositiveInt(w, "alpDays", "windows", MaxDays),
                GgtPairingDays = PositiveInt(w, "ggtPairingDays", "windows", MaxDays),
                SymptomDays = PositiveInt(w, "symptomDays", "windows", MaxDays),
                FractureDays = PositiveInt(w, "fractureDays", "windows", MaxDays),
                RecentBoneImagingDays = PositiveInt(w, "recentBoneImagingDays", "windows", MaxDays),
                CancerLookbackYears = PositiveInt(w, "cancerLookbackYears", "windows", MaxYears),
            };

            var adultAge = PositiveInt(root, "adultAgeYears", string.Empty, 130);

            var u = RequiredObject(root, "defaultUln", "defaultUln");
            CheckKeys(u, "defaultUln",
                "calciumTotalMgDl", "calciumTotalMmolL", "calciumIonizedMmolL", "alpUPerL", "ggtUPerL");
            var uln = new DefaultUlns
            {
                CalciumTotalMgDl = PositiveDecimal(u, "calciumTotalMgDl", "defaultUln"),
                CalciumTotalMmolL = PositiveDecimal(u, "calciumTotalMmolL", "defaultUln"),
                CalciumIonizedMmolL = PositiveDecimal(u, "calciumIonizedMmolL", "defaultUln"),
                AlpUPerL = PositiveDecimal(u, "alpUPerL", "defaultUln"),
                GgtUPerL = PositiveDecimal(u, "ggtUPerL", "defaultUln"),
            };

            var h = RequiredObject(root, "hypercalcemiaCtcae", "hypercalcemiaCtcae");
            CheckKeys(h, "hypercalcemiaCtcae", "correctedMgDl", "correctedMmolL", "ionizedMmolL");
            var ctcae = new HypercalcemiaGrades
            {
                CorrectedMgDl = IncreasingTriple(h, "correctedMgDl", "hypercalcemiaCtcae", 0m),
                CorrectedMmolL = IncreasingTriple(h, "correctedMmolL", "hypercalcemiaCtcae", 0m),
                IonizedMmolL = IncreasingTriple(h, "ionizedMmolL", "hypercalcemiaCtcae", 0m),
            };

            // A default ULN at or above the grade-1 upper bound would make grade 1 impossible: almost surely a unit mix-up.
            RequireBelow(uln.CalciumTotalMgDl, ctcae.CorrectedMgDl[0], "defaultUln.calciumTotalMgDl", "hypercalcemiaCtcae.correctedMgDl[0]");
            RequireBelow(uln.CalciumTotalMmolL, ctcae.CorrectedMmolL[0], "defaultUln.calciumTotalMmolL", "hypercalcemiaCtcae.correctedMmolL[0]");
            RequireBelow(uln.CalciumIonizedMmolL, ctcae.IonizedMmolL[0], "defaultUln.calciumIonizedMmolL", "hypercalcemiaCtcae.ionizedMmolL[0]");

            // Multiples of the ULN: grade 1 starts at 1 × ULN, so the first bound must exceed 1.
            var alp = IncreasingTriple(root, "alpCtcaeUlnMultiples", string.Empty, 1m);

            var p = RequiredObject(root, "payne", "payne");
            CheckKeys(p, "payne", "mgDlPerGPerDl", "referenceAlbuminGPerDl", "mmolLPerGPerL", "referenceAlbuminGPerL");
            var payne = new PayneSettings
            {
                MgDlPerGPerDl = PositiveDecimal(p, "mgDlPerGPerDl", "payne"),
                ReferenceAlbuminGPerDl = PositiveDecimal(p, "referenceAlbuminGPerDl", "payne"),
                MmolLPerGPerL = PositiveDecimal(p, "mmolLPerGPerL", "payne"),
                ReferenceAlbuminGPerL = PositiveDecimal(p, "referenceAlbuminGPerL", "payne"),
            };

            var severe = PositiveDecimal(root, "severeHypercalcemiaMgDl", string.Empty);
            var molarMass = PositiveDecimal(root, "calciumMolarMass", string.Empty);

            // Ca is 40.078 g/mol; anything far off is a typo that would skew every mg/dL ↔ mmol/L conversion.
            if (molarMass is < 40m or > 40.2m)
            {
                throw Fault(Invariant($"field 'calciumMolarMass' must be the calcium molar mass in g/mol (about 40.078), found {molarMass}"));
            }

            return new Thresholds
            {
                Windows = windows,
                AdultAgeYears = adultAge,
                DefaultUln = uln,
                HypercalcemiaCtcae = ctcae,
                AlpCtcaeUlnMultiples = alp,
                Payne = payne,
                SevereHypercalcemiaMgDl = severe,
                CalciumMolarMass = molarMass,
            };
        }

        private DefinitionException Fault(string fault) => new(file, fault);

        private static string Path(string parent, string name) => parent.Length == 0 ? name : parent + "." + name;

        private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

        private void CheckKeys(JsonElement obj, string path, params string[] known)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in obj.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Fault($"field '{Path(path, property.Name)}' appears more than once");
                }

                if (property.Name.StartsWith('_'))
                {
                    continue;
                }

                if (Array.IndexOf(known, property.Name) < 0)
                {
                    throw Fault($"unknown field '{Path(path, property.Name)}' (misspelt? comment keys must start with '_')");
                }
            }
        }

        private JsonElement Required(JsonElement obj, string name, string parent)
        {
            if (!obj.TryGetProperty(name, out var value))
            {
                throw Fault($"missing required field '{Path(parent, name)}'");
            }

            return value;
        }

        private JsonElement RequiredObject(JsonElement obj, string name, string path)
        {
            var value = Required(obj, name, string.Empty);
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Fault($"field '{path}' must be a JSON object, found {Describe(value)}");
            }

            return value;
        }

        private int PositiveInt(JsonElement obj, string name, string parent, int max)
        {
            var value = Required(obj, name, parent);
            var path = Path(parent, name);
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            {
                throw Fault($"field '{path}' must be a whole number, found {Describe(value)}");
            }

            if (number <= 0 || number > max)
            {
                throw Fault(Invariant($"field '{path}' must be between 1 and {max}, found {number}"));
            }

            return number;
        }

        private decimal PositiveDecimal(JsonElement obj, string name, string parent)
        {
            var value = Required(obj, name, parent);
            var path = Path(parent, name);
            var number = Number(value, path);
            if (number <= 0m)
            {
                throw Fault(Invariant($"field '{path}' must be greater than 0, found {number}"));
            }

            return number;
        }

        private decimal Number(JsonElement value, string path)
        {
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
            {
                throw Fault($"field '{path}' must be a number, found {Describe(value)}");
            }

            return number;
        }

        private decimal[] IncreasingTriple(JsonElement obj, string name, string parent, decimal exclusiveMinimum)
        {
            var value = Required(obj, name, parent);
            var path = Path(parent, name);
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 3)
            {
                throw Fault($"field '{path}' must be an array of exactly 3 numbers (upper bounds of grades 1, 2, 3), found {Describe(value)}");
            }

            var result = new decimal[3];
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                var itemPath = Invariant($"{path}[{i}]");
                var number = Number(item, itemPath);
                if (number <= exclusiveMinimum)
                {
                    throw Fault(Invariant($"field '{itemPath}' must be greater than {exclusiveMinimum}, found {number}"));
                }

                if (i > 0 && number <= result[i - 1])
                {
                    throw Fault(Invariant($"field '{path}' must be strictly increasing, but [{i}] = {number} is not above [{i - 1}] = {result[i - 1]}"));
                }

                result[i++] = number;
            }

            return result;
        }

        private void RequireBelow(decimal value, decimal bound, string path, string boundPath)
        {
            if (value >= bound)
            {
                throw Fault(Invariant($"field '{path}' ({value}) must be below '{boundPath}' ({bound}), or CTCAE grade 1 cannot occur"));
            }
        }

        private static string Describe(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Array => Invariant($"an array of {value.GetArrayLength()}"),
            JsonValueKind.Object => "an object",
            JsonValueKind.String => "a string",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            JsonValueKind.Number => value.GetRawText(),
            _ => value.ValueKind.ToString(),
        };
    }
}
