using System.Globalization;
using System.Text;

namespace BoneMets.Cds.Api.Cards;

/// <summary>
/// Makes untrusted EHR text (displays) safe inside GitHub-flavoured Markdown that clients render with raw HTML enabled:
/// control characters and line breaks collapse to spaces, HTML-significant characters become entities, Markdown
/// punctuation is backslash-escaped, and the length is capped.
/// </summary>
public static class MarkdownText
{
    private const string MarkdownPunctuation = "\\`*_{}[]#+!|~";

    public static string Escape(string? text, int maxLength = 120)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(Math.Min(text.Length, maxLength) + 16);
        var visible = 0;
        var lastWasSpace = false;
        foreach (var rune in text.EnumerateRunes())
        {
            if (visible >= maxLength)
            {
                sb.Append('…');
                break;
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsWhiteSpace(rune) || category is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                if (!lastWasSpace && sb.Length > 0)
                {
                    sb.Append(' ');
                    lastWasSpace = true;
                    visible++;
                }

                continue;
            }

            lastWasSpace = false;
            visible++;
            switch (rune.Value)
            {
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '&': sb.Append("&amp;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    if (rune.IsAscii && MarkdownPunctuation.Contains((char)rune.Value, StringComparison.Ordinal))
                    {
                        sb.Append('\\');
                    }

                    sb.Append(rune.ToString());
                    break;
            }
        }

        return sb.ToString().TrimEnd();
    }
}
