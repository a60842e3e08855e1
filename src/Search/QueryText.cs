using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LibraryCluster.Catalog.Records;

namespace LibraryCluster.Search;

/// <summary>A search word or a quoted phrase; <see cref="Prefix"/> matches words that start with it.</summary>
public sealed record QueryTerm(IReadOnlyList<string> Words, bool Prefix);

/// <summary>What a person typed, understood: an exact lookup, or terms for a full-text engine.</summary>
public sealed record ParsedQuery(SearchMode Mode, string? ExactValue, IReadOnlyList<QueryTerm> Terms);

/// <summary>
/// Turns free text into something safe for an engine. Only runs of letters and digits survive, so
/// quotes, operators, '*', parentheses and column filters typed by a user are plain separators;
/// quoted phrases stay phrases; the last word matches as a prefix (people type word beginnings).
/// </summary>
public static partial class QueryText
{
    /// <summary>Terms beyond this add nothing but cost.</summary>
    public const int MaxTerms = 16;

    /// <summary>Longer input is cut before parsing.</summary>
    public const int MaxLength = 1024;

    /// <summary>Prefixes shorter than this would match a large part of the catalogue.</summary>
    public const int MinPrefixLength = 2;

    public static ParsedQuery Parse(string? text)
    {
        // A trailing space means the last word is finished: no prefix matching for it.
        var endsWithSeparator = text is { Length: > 0 } && !char.IsLetterOrDigit(text[^1]);
        var input = (text ?? string.Empty).Trim();
        if (input.Length > MaxLength)
        {
            input = input[..MaxLength];
        }

        var bare = StripScheme(input);
        if (Md5Pattern().IsMatch(bare))
        {
            return new ParsedQuery(SearchMode.Md5, bare.ToLowerInvariant(), []);
        }

        if (DoiPattern().IsMatch(bare))
        {
            return new ParsedQuery(SearchMode.Doi, bare.ToLowerInvariant(), []);
        }

        if (Isbn.ToIsbn13(bare) is { } isbn)
        {
            return new ParsedQuery(SearchMode.Isbn, isbn, []);
        }

        var terms = Terms(input, endsWithSeparator);
        return new ParsedQuery(terms.Count == 0 ? SearchMode.Browse : SearchMode.FullText, null, terms);
    }

    /// <summary>An FTS5 MATCH expression: every term quoted (so nothing is syntax), implicitly ANDed.</summary>
    public static string ToFts5(IReadOnlyList<QueryTerm> terms) =>
        string.Join(' ', terms.Select(t => $"\"{string.Join(' ', t.Words)}\"" + (t.Prefix ? "*" : string.Empty)));

    private static List<QueryTerm> Terms(string input, bool endsWithSeparator)
    {
        var terms = new List<QueryTerm>();
        var inPhrase = false;
        var phrase = new List<string>();
        var word = new StringBuilder();

        void EndWord()
        {
            if (word.Length == 0)
            {
                return;
            }

            if (inPhrase)
            {
                phrase.Add(word.ToString());
            }
            else
            {
                terms.Add(new QueryTerm([word.ToString()], false));
            }

            word.Clear();
        }

        void EndPhrase()
        {
            if (phrase.Count > 0)
            {
                terms.Add(new QueryTerm([.. phrase], false));
                phrase.Clear();
            }
        }

        foreach (var c in input)
        {
            if (c == '"')
            {
                EndWord();
                if (inPhrase)
                {
                    EndPhrase();
                }

                inPhrase = !inPhrase;
            }
            else if (char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else
            {
                EndWord();
            }
        }

        EndWord();
        EndPhrase();

        if (terms.Count > MaxTerms)
        {
            terms.RemoveRange(MaxTerms, terms.Count - MaxTerms);
        }

        if (terms.Count > 0 && !endsWithSeparator && terms[^1] is { Words.Count: 1 } last && last.Words[0].Length >= MinPrefixLength && !inPhraseAtEnd(input))
        {
            terms[^1] = last with { Prefix = true };
        }

        return terms;

        static bool inPhraseAtEnd(string text) => text.Count(c => c == '"') % 2 == 1;
    }

    private static string StripScheme(string input)
    {
        foreach (var prefix in new[] { "https://doi.org/", "http://doi.org/", "doi:", "isbn:", "md5:" })
        {
            if (input.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return input[prefix.Length..].Trim();
            }
        }

        return input;
    }

    [GeneratedRegex("^[0-9a-fA-F]{32}$")]
    private static partial Regex Md5Pattern();

    [GeneratedRegex(@"^10\.\d{4,9}/\S+$")]
    private static partial Regex DoiPattern();
}
