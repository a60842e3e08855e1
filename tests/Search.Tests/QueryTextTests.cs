namespace LibraryCluster.Search.Tests;

public class QueryTextTests
{
    [Theory]
    [InlineData("7B2A4D53E6E1A8B0A5D5C0C9D1F00240", SearchMode.Md5, "7b2a4d53e6e1a8b0a5d5c0c9d1f00240")]
    [InlineData("md5:7b2a4d53e6e1a8b0a5d5c0c9d1f00240", SearchMode.Md5, "7b2a4d53e6e1a8b0a5d5c0c9d1f00240")]
    [InlineData("978-0-07-136362-4", SearchMode.Isbn, "9780071363624")]
    [InlineData("0071363629", SearchMode.Isbn, "9780071363624")]
    [InlineData(" isbn:0-07-136362-9 ", SearchMode.Isbn, "9780071363624")]
    [InlineData("10.1002/(SICI)(1997)5:1<1::AID-NT1>3.0.CO;2-8", SearchMode.Doi, "10.1002/(sici)(1997)5:1<1::aid-nt1>3.0.co;2-8")]
    [InlineData("https://doi.org/10.1038/nature12373", SearchMode.Doi, "10.1038/nature12373")]
    [InlineData("doi:10.1016/j.cell.2009.01.002", SearchMode.Doi, "10.1016/j.cell.2009.01.002")]
    public void Recognises_Exact_Lookups(string text, SearchMode mode, string value)
    {
        var parsed = QueryText.Parse(text);
        Assert.Equal(mode, parsed.Mode);
        Assert.Equal(value, parsed.ExactValue);
    }

    [Theory]
    [InlineData("quantum mechanics", "\"quantum\" \"mechanics\"*")]
    [InlineData("quantum mechanics ", "\"quantum\" \"mechanics\"")]
    [InlineData("\"differential equations\" Courant", "\"differential equations\" \"courant\"*")]
    [InlineData("Études de MÉCANIQUE", "\"études\" \"de\" \"mécanique\"*")]
    [InlineData("a", "\"a\"")]
    [InlineData("title:physics", "\"title\" \"physics\"*")]
    [InlineData("physics AND NOT (chemistry OR", "\"physics\" \"and\" \"not\" \"chemistry\" \"or\"*")]
    [InlineData("c++ *", "\"c\"")]
    [InlineData("NEAR(a b) ^x -y", "\"near\" \"a\" \"b\" \"x\" \"y\"")]
    [InlineData("O'Reilly's", "\"o\" \"reilly\" \"s\"")]
    [InlineData("\"unclosed phrase here", "\"unclosed phrase here\"")]
    public void Turns_Any_Text_Into_Quoted_Terms(string text, string expected) =>
        Assert.Equal(expected, QueryText.ToFts5(QueryText.Parse(text).Terms));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!! *** ((( )))")]
    [InlineData("\"\"")]
    public void Text_Without_Words_Is_A_Browse(string text) => Assert.Equal(SearchMode.Browse, QueryText.Parse(text).Mode);

    [Fact]
    public void Long_Input_Is_Bounded()
    {
        var parsed = QueryText.Parse(string.Join(' ', Enumerable.Repeat("word", 5000)));
        Assert.Equal(QueryText.MaxTerms, parsed.Terms.Count);
    }
}
