using System.Globalization;
using System.Text;

namespace LibraryCluster.Search;

/// <summary>
/// A BM25-style score over a record's searchable fields, computed in memory for the candidates an
/// engine returned: term frequency with saturation, field weights and length normalisation. It has no
/// IDF: every candidate contains every query word already, and FTS5's own bm25() pays for its IDF by
/// counting every match of every word, tens of milliseconds for a word in a third of a million titles.
/// </summary>
public sealed class RelevanceScorer
{
    /// <summary>Field weights, in the order of <see cref="Fields"/>: a title match counts most, then authors.</summary>
    private static readonly double[] Weights = [10.0, 6.0, 3.0, 1.5, 1.0, 3.0];

    /// <summary>Typical field lengths in words, for BM25's length normalisation.</summary>
    private static readonly double[] AverageLengths = [6, 4, 2, 2, 4, 3];

    private const double K1 = 1.2;
    private const double B = 0.75;

    private readonly (string Word, bool Prefix)[] _words;

    public RelevanceScorer(IReadOnlyList<QueryTerm> terms) =>
        _words = [.. terms.SelectMany(t => t.Words.Select((w, i) => (Fold(w), t.Prefix && i == t.Words.Count - 1))).Distinct()];

    /// <summary>The fields scored, in order: title, author, series, publisher, identifiers, journal.</summary>
    public static IReadOnlyList<string> Fields { get; } = ["title", "author", "series", "publisher", "identifiers", "journal"];

    /// <summary>Higher is more relevant. <paramref name="fields"/> follow <see cref="Fields"/>.</summary>
    public double Score(ReadOnlySpan<string> fields)
    {
        double score = 0;
        Span<int> counts = stackalloc int[_words.Length];
        for (var f = 0; f < fields.Length && f < Weights.Length; f++)
        {
            counts.Clear();
            var tokens = CountMatches(fields[f], counts);
            if (tokens == 0)
            {
                continue;
            }

            var norm = K1 * (1 - B + (B * tokens / AverageLengths[f]));
            foreach (var tf in counts)
            {
                if (tf > 0)
                {
                    score += Weights[f] * tf * (K1 + 1) / (tf + norm);
                }
            }
        }

        return score;
    }

    /// <summary>Counts each query word's occurrences in a field without allocating; returns the field's token count.</summary>
    private int CountMatches(string text, Span<int> counts)
    {
        Span<char> token = stackalloc char[64];
        var length = 0;
        var tokens = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (char.IsLetterOrDigit(c))
            {
                var folded = c < 0x80 ? char.ToLowerInvariant(c) : FoldChar(c);
                if (folded != '\0' && length < token.Length)
                {
                    token[length++] = folded;
                }

                continue;
            }

            if (c > 0x7F && CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                continue;
            }

            if (length > 0)
            {
                tokens++;
                var span = token[..length];
                for (var w = 0; w < _words.Length; w++)
                {
                    var (word, prefix) = _words[w];
                    if (prefix ? span.StartsWith(word, StringComparison.Ordinal) : span.SequenceEqual(word))
                    {
                        counts[w]++;
                    }
                }

                length = 0;
            }
        }

        return tokens;
    }

    /// <summary>A letter lowercased with its diacritics removed (é → e); '\0' for a letter that folds to nothing.</summary>
    private static char FoldChar(char c)
    {
        var decomposed = c.ToString().Normalize(NormalizationForm.FormD);
        foreach (var d in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(d) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark))
            {
                return char.ToLowerInvariant(d);
            }
        }

        return '\0';
    }

    /// <summary>Lowercase words with diacritics removed, split as FTS5's unicode61 tokenizer splits them.</summary>
    public static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else if (word.Length > 0)
            {
                tokens.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            tokens.Add(word.ToString());
        }

        return tokens;
    }

    /// <summary>One word folded the way <see cref="Tokens"/> folds text.</summary>
    public static string Fold(string word) => Tokens(word) is [var only] ? only : word.ToLowerInvariant();
}
