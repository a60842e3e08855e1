using System.Text;
using LibraryCluster.Torrents.Bencode;

namespace LibraryCluster.Torrents.Tests.Bencode;

public class BencodeDecoderTests
{
    private static BValue Decode(string text, BencodeLimits? limits = null) => BencodeDecoder.Decode(Encoding.Latin1.GetBytes(text), limits);

    private static BencodeException Fails(string text, BencodeLimits? limits = null) => Assert.Throws<BencodeException>(() => Decode(text, limits));

    [Theory]
    [InlineData("i0e", 0L)]
    [InlineData("i42e", 42L)]
    [InlineData("i-42e", -42L)]
    [InlineData("i9223372036854775807e", long.MaxValue)]
    [InlineData("i-9223372036854775808e", long.MinValue)]
    public void Decodes_Integers(string text, long expected) => Assert.Equal(expected, Assert.IsType<BInteger>(Decode(text)).Value);

    [Fact]
    public void Decodes_Strings_Lists_And_Dictionaries_With_Their_Raw_Ranges()
    {
        var root = Assert.IsType<BDictionary>(Decode("d3:bar4:spam3:fooli1ei2eee"));
        Assert.Equal("spam", Assert.IsType<BString>(root.Get("bar")).Text);
        var list = Assert.IsType<BList>(root.Get("foo"));
        Assert.Equal([1L, 2L], list.Items.Select(i => ((BInteger)i).Value));
        Assert.Equal(17, list.Start);
        Assert.Equal(8, list.Length);
        Assert.Equal(0, root.Start);
        Assert.Equal(26, root.Length);
    }

    [Fact]
    public void Decodes_Empty_String_List_And_Dictionary()
    {
        Assert.Equal(0, Assert.IsType<BString>(Decode("0:")).Bytes.Length);
        Assert.Empty(Assert.IsType<BList>(Decode("le")).Items);
        Assert.Equal(0, Assert.IsType<BDictionary>(Decode("de")).Count);
    }

    [Fact]
    public void Keeps_Binary_Strings_Byte_For_Byte()
    {
        byte[] input = [.. "4:"u8, 0x00, 0xFF, 0x80, 0x7F];
        Assert.Equal(new byte[] { 0x00, 0xFF, 0x80, 0x7F }, Assert.IsType<BString>(BencodeDecoder.Decode(input)).Bytes.ToArray());
    }

    [Theory]
    [InlineData("i03e", 1, "leading zero")]
    [InlineData("i-0e", 0, "negative zero")]
    [InlineData("i-03e", 2, "leading zero")]
    [InlineData("ie", 1, "no digits")]
    [InlineData("i-e", 2, "no digits")]
    [InlineData("i1x", 2, "expected 'e'")]
    [InlineData("i12", 3, "ends inside an integer")]
    [InlineData("i9223372036854775808e", 1, "64 bits")]
    [InlineData("i-9223372036854775809e", 2, "64 bits")]
    [InlineData("i12345678901234567890e", 1, "more than 19 digits")]
    [InlineData("i+1e", 1, "no digits")]
    public void Rejects_Malformed_Integers_At_The_Offending_Byte(string text, long offset, string problem)
    {
        var error = Fails(text);
        Assert.Equal(offset, error.Offset);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("03:abc", 0, "leading zero")]
    [InlineData("5:abc", 0, "runs past the end")]
    [InlineData("3abc", 1, "expected ':'")]
    [InlineData("12", 2, "ends inside a string length")]
    [InlineData("99999999999999999999:", 0, "too many digits")]
    public void Rejects_Malformed_Strings(string text, long offset, string problem)
    {
        var error = Fails(text);
        Assert.Equal(offset, error.Offset);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_A_Huge_String_Length_Without_Allocating_It()
    {
        var error = Fails("9999999999:abc");
        Assert.Contains("exceeds the limit", error.Problem, StringComparison.Ordinal);
        var small = Fails("10:abcdefghij", BencodeLimits.Default with { MaxStringLength = 5 });
        Assert.Contains("exceeds the limit of 5", small.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_Unsorted_Keys()
    {
        var error = Fails("d3:foo1:a3:bar1:be");
        Assert.Equal(9, error.Offset);
        Assert.Contains("out of order", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_Duplicate_Keys()
    {
        var error = Fails("d3:foo1:a3:foo1:be");
        Assert.Equal(9, error.Offset);
        Assert.Contains("duplicate dictionary key \"foo\"", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Compares_Keys_As_Raw_Bytes_Not_Text()
    {
        // 'Z' (0x5A) sorts before 'a' (0x61) in byte order.
        Assert.Equal(2, Assert.IsType<BDictionary>(Decode("d1:Zi1e1:ai2ee")).Count);
        Assert.Contains("out of order", Fails("d1:ai1e1:Zi2ee").Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("di1ei2ee", 1, "expected a dictionary key")]
    [InlineData("d3:fooe", 6, "has no value")]
    [InlineData("l", 1, "ends inside a list that began at byte 0")]
    [InlineData("d3:foo", 6, "ends inside a dictionary")]
    [InlineData("", 0, "input is empty")]
    [InlineData("e", 0, "unexpected 'e'")]
    [InlineData("x", 0, "unexpected 'x'")]
    [InlineData("i1ei2e", 3, "trailing data")]
    [InlineData("li1e", 4, "ends inside a list")]
    public void Rejects_Broken_Structure(string text, long offset, string problem)
    {
        var error = Fails(text);
        Assert.Equal(offset, error.Offset);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_Deep_Nesting_Without_Recursion()
    {
        var deep = new string('l', 100_000) + new string('e', 100_000);
        var error = Fails(deep);
        Assert.Contains("nesting deeper than the limit of 64", error.Problem, StringComparison.Ordinal);
        Assert.Equal(64, error.Offset);

        var allowed = BencodeLimits.Default with { MaxDepth = 200_000 };
        Assert.IsType<BList>(Decode(deep, allowed));
    }

    [Fact]
    public void Error_Message_Names_The_Byte_Offset() =>
        Assert.StartsWith("bencode error at byte 1: ", Fails("i03e").Message, StringComparison.Ordinal);

    [Fact]
    public void Encoder_Round_Trips_Canonical_Input()
    {
        const string canonical = "d4:infod6:lengthi5e4:name3:abce4:listl0:i-1ed1:k1:veee";
        var bytes = Encoding.Latin1.GetBytes(canonical);
        Assert.Equal(bytes, BencodeEncoder.Encode(BencodeDecoder.Decode(bytes)));
    }

    [Fact]
    public void Encoder_Sorts_Keys_By_Raw_Bytes()
    {
        var dictionary = new BDictionary { ["b"] = new BInteger(2), ["a"] = new BInteger(1), ["Z"] = new BInteger(0) };
        Assert.Equal("d1:Zi0e1:ai1e1:bi2ee", Encoding.Latin1.GetString(BencodeEncoder.Encode(dictionary)));
    }

    [Fact]
    public void Unsorted_Keys_Are_Refused_Unless_Allowed_And_Duplicates_Are_Refused_Either_Way()
    {
        var lenient = new BencodeLimits { AllowUnsortedKeys = true };

        Assert.Contains("out of order", Fails("d1:bi1e1:ai2ee").Message, StringComparison.Ordinal);
        Assert.Equal(2, Assert.IsType<BInteger>(Assert.IsType<BDictionary>(Decode("d1:bi1e1:ai2ee", lenient)).Get("a")).Value);
        Assert.Equal("bencode error at byte 16: duplicate dictionary key \"b\"", Fails("d1:bi1e1:ai2e1:bi3ee", lenient).Message);
    }
}
