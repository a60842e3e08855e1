using LibraryCluster.Catalog.Layout;

namespace LibraryCluster.Catalog.Tests.Layout;

public class LibgenLayoutTests
{
    [Theory]
    [InlineData(0, "r_000")]
    [InlineData(1, "r_000")]
    [InlineData(999, "r_000")]
    [InlineData(1000, "r_1000")]
    [InlineData(80_999, "r_80000")]
    [InlineData(83_000, "r_83000")]
    [InlineData(2_412_345, "r_2412000")]
    public void Scitech_Torrents_Pad_Bucket_Zero_To_Three_Digits(long id, string expected) =>
        Assert.Equal(expected, LibgenLayout.TorrentName(Collection.Scitech, id));

    [Theory]
    [InlineData(81_000)]
    [InlineData(81_999)]
    [InlineData(82_000)]
    [InlineData(82_999)]
    public void Scitech_Buckets_81000_And_82000_Have_No_Torrent(long id) => Assert.Null(LibgenLayout.TorrentName(Collection.Scitech, id));

    [Theory]
    [InlineData(0, "f_0")]
    [InlineData(999, "f_0")]
    [InlineData(1000, "f_1000")]
    [InlineData(2_786_387, "f_2786000")]
    public void Fiction_Torrents_Are_Not_Padded(long id, string expected) => Assert.Equal(expected, LibgenLayout.TorrentName(Collection.Fiction, id));

    [Theory]
    [InlineData(1, "sm_00000000-00099999", "libgen.scimag00000000-00000999.zip", "00000000")]
    [InlineData(99_999, "sm_00000000-00099999", "libgen.scimag00099000-00099999.zip", "00000000")]
    [InlineData(100_000, "sm_00100000-00199999", "libgen.scimag00100000-00100999.zip", "00100000")]
    [InlineData(55_900_123, "sm_55900000-55999999", "libgen.scimag55900000-55900999.zip", "55900000")]
    public void Scimag_Ids_Map_To_Torrents_Of_100000_And_Zips_Of_1000(long id, string torrent, string zip, string root)
    {
        Assert.Equal(torrent, LibgenLayout.TorrentName(Collection.Scimag, id));
        Assert.Equal(zip, LibgenLayout.ScimagZipName(id));
        Assert.Equal($"{root}/{zip}", LibgenLayout.ScimagZipPath(id));
    }

    [Fact]
    public void Paths_Inside_Torrents_Use_The_Bucket_And_Lowercase_Md5()
    {
        Assert.Equal("2412000/00b3c21460499dbd80bb3a118974c879", LibgenLayout.ScitechPath(2_412_345, "00B3C21460499DBD80BB3A118974C879"));
        Assert.Equal("0/7b2a4d53aa0240.epub", LibgenLayout.FictionPath(1, "7B2A4D53AA0240", "EPUB"));
    }

    [Fact]
    public void Scimag_Entries_Percent_Encode_The_Doi_Suffix()
    {
        Assert.Equal(
            "10.1002/%28sici%29%281997%295%3A1%3C1%3A%3Aaid-nt1%3E3.0.co%3B2-8.pdf",
            LibgenLayout.ScimagEntryName("10.1002/(SICI)(1997)5:1<1::AID-NT1>3.0.CO;2-8"));
        Assert.Equal("10.1093/ajae%2Faau001.pdf", LibgenLayout.ScimagEntryName("10.1093/ajae/aau001"));
        Assert.Equal("10.1000/caf%C3%A9~_-.pdf", LibgenLayout.ScimagEntryName("10.1000/café~_-"));
    }

    [Theory]
    [InlineData("no-slash")]
    [InlineData("/starts-with-slash")]
    [InlineData("10.1000/")]
    public void Scimag_Entry_Rejects_What_Is_Not_A_Doi(string doi) => Assert.Throws<ArgumentException>(() => LibgenLayout.ScimagEntryName(doi));
}
