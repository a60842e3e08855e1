using LibraryCluster.Catalog.Records;

namespace LibraryCluster.Catalog.Tests.Records;

public class IsbnTests
{
    [Theory]
    [InlineData("0-07-136362-9", "9780071363624")]
    [InlineData("0071363629", "9780071363624")]
    [InlineData("978-0-07-136362-4", "9780071363624")]
    [InlineData("9780071363624", "9780071363624")]
    [InlineData("080442957X", "9780804429573")]
    [InlineData("080442957x", "9780804429573")]
    [InlineData("979-10-90636-07-1", "9791090636071")]
    public void Normalises_Valid_Isbns_To_Isbn13(string text, string expected) => Assert.Equal(expected, Isbn.ToIsbn13(text));

    [Theory]
    [InlineData("0071363628")]
    [InlineData("9780071363625")]
    [InlineData("1234567890123")]
    [InlineData("X071363629")]
    [InlineData("B00ABCDEFG")]
    [InlineData("")]
    public void Rejects_Invalid_Checksums_And_Non_Isbns(string text) => Assert.Null(Isbn.ToIsbn13(text));

    [Fact]
    public void Extracts_Distinct_Isbns_From_Identifier_Fields() =>
        Assert.Equal(
            ["9780071363624", "9780804429573"],
            Isbn.Extract("0-07-136362-9, 978-0-07-136362-4; 080442957X", "0071363629,B00ABCDEFG", null));
}
