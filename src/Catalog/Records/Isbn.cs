namespace LibraryCluster.Catalog.Records;

/// <summary>ISBN normalisation: every valid ISBN-10 or ISBN-13, in any punctuation, becomes its ISBN-13.</summary>
public static class Isbn
{
    /// <summary>The ISBN-13 of <paramref name="text"/> (dashes and spaces allowed), or null when it is not a valid ISBN.</summary>
    public static string? ToIsbn13(ReadOnlySpan<char> text)
    {
        Span<char> digits = stackalloc char[13];
        var count = 0;
        foreach (var c in text)
        {
            if (c is '-' or ' ' or '\u2010' or '\u2011')
            {
                continue;
            }

            if (count == 13 || !(char.IsAsciiDigit(c) || (c is 'X' or 'x' && count == 9)))
            {
                return null;
            }

            digits[count++] = char.ToUpperInvariant(c);
        }

        if (count == 10 && Isbn10Valid(digits[..10]))
        {
            Span<char> isbn13 = stackalloc char[13];
            "978".AsSpan().CopyTo(isbn13);
            digits[..9].CopyTo(isbn13[3..]);
            isbn13[12] = (char)('0' + Isbn13CheckDigit(isbn13[..12]));
            return new string(isbn13);
        }

        if (count == 13 && digits[..13].IndexOf('X') < 0 && (digits.StartsWith("978") || digits.StartsWith("979")) && Isbn13CheckDigit(digits[..12]) == digits[12] - '0')
        {
            return new string(digits);
        }

        return null;
    }

    /// <summary>Every ISBN found in free-text identifier fields ("978-…, 0-07-…; …"), as distinct ISBN-13s in order.</summary>
    public static List<string> Extract(params string?[] fields)
    {
        var found = new List<string>();
        foreach (var field in fields)
        {
            if (string.IsNullOrEmpty(field))
            {
                continue;
            }

            foreach (var token in field.Split([',', ';', '/', '|', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (ToIsbn13(token) is { } isbn && !found.Contains(isbn))
                {
                    found.Add(isbn);
                }
            }
        }

        return found;
    }

    private static bool Isbn10Valid(ReadOnlySpan<char> digits)
    {
        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            var value = digits[i] == 'X' ? 10 : digits[i] - '0';
            if (value == 10 && i != 9)
            {
                return false;
            }

            sum += (10 - i) * value;
        }

        return sum % 11 == 0;
    }

    private static int Isbn13CheckDigit(ReadOnlySpan<char> twelve)
    {
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (twelve[i] - '0') * (i % 2 == 0 ? 1 : 3);
        }

        return (10 - (sum % 10)) % 10;
    }
}
