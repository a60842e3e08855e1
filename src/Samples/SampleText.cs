using System.Globalization;
using System.Text;

namespace LibraryCluster.Samples;

/// <summary>Words, names and identifiers for sample records: plausible, varied, with diacritics and Cyrillic.</summary>
internal static class SampleText
{
    private static readonly string[] Words =
    [
        "introduction", "advanced", "theory", "methods", "analysis", "handbook", "principles", "applied", "modern",
        "quantum", "mechanics", "thermodynamics", "algebra", "geometry", "topology", "calculus", "statistics",
        "probability", "biology", "chemistry", "organic", "molecular", "genetics", "ecology", "neuroscience",
        "economics", "finance", "accounting", "history", "philosophy", "linguistics", "grammar", "medicine",
        "clinical", "surgery", "pharmacology", "anatomy", "engineering", "structural", "electrical", "signals",
        "systems", "control", "networks", "algorithms", "programming", "compilers", "databases", "distributed",
        "computing", "learning", "machine", "language", "logic", "sets", "numbers", "functions", "equations",
        "differential", "partial", "integral", "transforms", "optics", "relativity", "cosmology", "astronomy",
        "geology", "climate", "oceans", "materials", "polymers", "metals", "crystals", "semiconductors",
        "architecture", "design", "patterns", "practice", "guide", "companion", "essentials", "foundations",
        "lectures", "notes", "problems", "solutions", "exercises", "fundamentals", "concepts", "volume",
        "études", "mécanique", "übersetzung", "análisis", "física", "математика", "физика", "история",
    ];

    private static readonly string[] FirstNames =
    [
        "Anna", "Boris", "Chen", "Dmitri", "Elena", "François", "Gabriel", "Hiroshi", "Ingrid", "José", "Katarzyna",
        "Lars", "Maria", "Nikolai", "Olga", "Pierre", "Qiang", "Rosa", "Søren", "Tomás", "Ursula", "Viktor",
        "Wei", "Xavier", "Yuki", "Zoë", "Paul J.", "Stephen", "Richard", "Donald",
    ];

    private static readonly string[] LastNames =
    [
        "Ivanov", "Smith", "Müller", "Dubois", "García", "Rossi", "Nakamura", "Kowalski", "Andersson", "Novák",
        "Petrov", "Johnson", "Lefèvre", "Schröder", "Wang", "Kim", "Okafor", "O'Brien", "McAuley", "Knuth",
        "Feynman", "Landau", "Lifshitz", "Courant", "Hilbert", "Сидоров", "Кузнецов",
    ];

    private static readonly string[] Publishers =
    [
        "Springer", "Elsevier", "Wiley", "Cambridge University Press", "Oxford University Press", "McGraw-Hill",
        "Addison-Wesley", "O'Reilly Media", "Наука", "Dover Publications", "CRC Press", "Academic Press", "MIT Press",
    ];

    private static readonly string[] Cities = ["New York", "London", "Berlin", "Paris", "Москва", "Cambridge", "Boston", "Amsterdam"];

    public static readonly string[] Languages = ["English", "English", "English", "Russian", "German", "French", "Spanish", "Latin,Russian"];

    private static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "ra", "te", "no", "vi", "su", "de", "pha", "gen", "tor", "lin", "mar", "sen", "qua", "bri", "ost", "ul", "em",
        "ter", "dyn", "chro", "neu", "morph", "graph", "lith", "cal", "vor", "zen",
    ];

    /// <summary>
    /// Title words follow Zipf's law over a large vocabulary, as real titles do: a few words are very
    /// common, most are rare. Half come from a list of real words, half are made of syllables.
    /// </summary>
    public static string Title(SampleRandom random)
    {
        var count = random.Between(2, 7);
        var words = Enumerable.Range(0, count).Select(_ => TitleWord(random)).ToArray();
        words[0] = Capitalize(words[0]);
        return string.Join(' ', words);
    }

    private static string TitleWord(SampleRandom random)
    {
        if (random.Chance(0.5))
        {
            return Words[Zipf(random, Words.Length)];
        }

        // Rank r of a 200,000-word vocabulary, spelled by its base-30 syllables.
        var rank = Zipf(random, 200_000);
        var word = new System.Text.StringBuilder();
        do
        {
            word.Append(Syllables[rank % Syllables.Length]);
            rank /= Syllables.Length;
        }
        while (rank > 0);
        return word.ToString();
    }

    /// <summary>A Zipf-distributed rank in [0, n): P(k) ∝ 1/(k+1).</summary>
    private static int Zipf(SampleRandom random, int n) => Math.Min(n - 1, (int)Math.Floor(Math.Exp(random.NextDouble() * Math.Log(n + 1))) - 1);

    public static string Person(SampleRandom random) => $"{random.Pick(FirstNames)} {random.Pick(LastNames)}";

    /// <summary>One to three authors, separated the way LibGen rows separate them.</summary>
    public static string Authors(SampleRandom random, string separator) =>
        string.Join(separator, Enumerable.Range(0, random.Between(1, 3)).Select(_ => Person(random)));

    public static string Publisher(SampleRandom random) => random.Pick(Publishers);

    public static string City(SampleRandom random) => random.Pick(Cities);

    public static string Word(SampleRandom random) => random.Pick(Words);

    /// <summary>A valid ISBN-13 with dashes (978-…), and its ISBN-10 twin.</summary>
    public static (string Isbn13, string Isbn10) Isbn(SampleRandom random)
    {
        var core = new StringBuilder();
        for (var i = 0; i < 9; i++)
        {
            core.Append((char)('0' + random.Next(10)));
        }

        var nine = core.ToString();
        var sum10 = 0;
        for (var i = 0; i < 9; i++)
        {
            sum10 += (10 - i) * (nine[i] - '0');
        }

        var check10 = (11 - (sum10 % 11)) % 11;
        var isbn10 = nine + (check10 == 10 ? "X" : check10.ToString(CultureInfo.InvariantCulture));

        var twelve = "978" + nine;
        var sum13 = 0;
        for (var i = 0; i < 12; i++)
        {
            sum13 += (twelve[i] - '0') * (i % 2 == 0 ? 1 : 3);
        }

        var isbn13 = twelve + ((10 - (sum13 % 10)) % 10).ToString(CultureInfo.InvariantCulture);
        return ($"{isbn13[..3]}-{isbn13[3]}-{isbn13[4..7]}-{isbn13[7..12]}-{isbn13[12]}", $"{isbn10[0]}-{isbn10[1..4]}-{isbn10[4..9]}-{isbn10[9]}");
    }

    private static string Capitalize(string word) => char.ToUpper(word[0], CultureInfo.InvariantCulture) + word[1..];
}
