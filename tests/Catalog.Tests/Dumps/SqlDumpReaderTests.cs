using System.IO.Compression;
using System.Text;
using LibraryCluster.Catalog.Dumps;

namespace LibraryCluster.Catalog.Tests.Dumps;

public class SqlDumpReaderTests
{
    private const string Schema = """
        CREATE TABLE `books` (
          `ID` int(10) unsigned NOT NULL AUTO_INCREMENT,
          `Title` varchar(200) DEFAULT '',
          `Year` varchar(4) DEFAULT NULL,
          PRIMARY KEY (`ID`)
        ) ENGINE=MyISAM DEFAULT CHARSET=utf8;

        """;

    private static (List<Dictionary<string, string?>> Rows, SqlDumpReader Reader) Read(string sql, params string[] tables) => Read(Encoding.UTF8.GetBytes(sql), tables);

    private static (List<Dictionary<string, string?>> Rows, SqlDumpReader Reader) Read(byte[] sql, params string[] tables)
    {
        var wanted = tables.Length == 0 ? ["books"] : tables;
        var reader = new SqlDumpReader(new MemoryStream(sql), "test.sql", wanted.Contains);
        var rows = new List<Dictionary<string, string?>>();
        while (reader.Read())
        {
            var row = reader.Current;
            rows.Add(row.Columns.Select((c, i) => (c, v: row.GetString(i))).ToDictionary(x => x.c, x => x.v));
        }

        return (rows, reader);
    }

    [Fact]
    public void Maps_Columns_From_Create_Table_When_The_Insert_Has_No_List()
    {
        var (rows, _) = Read(Schema + "INSERT INTO `books` VALUES (1,'First','2001'),(2,'Second',NULL);\n");
        Assert.Equal(2, rows.Count);
        Assert.Equal("First", rows[0]["Title"]);
        Assert.Null(rows[1]["Year"]);
    }

    [Fact]
    public void Maps_Columns_By_The_Inserts_Own_List_Over_The_Create_Table_Order()
    {
        var (rows, _) = Read(Schema + "INSERT INTO `books` (`Year`, `ID`, `Title`) VALUES ('1999',7,'Listed');\n");
        Assert.Equal("Listed", rows[0]["Title"]);
        Assert.Equal("1999", rows[0]["Year"]);
        Assert.Equal("7", rows[0]["ID"]);
    }

    [Theory]
    [InlineData(@"it\'s", "it's")]
    [InlineData("it''s", "it's")]
    [InlineData(@"\""quoted\""", "\"quoted\"")]
    [InlineData(@"back\\slash", @"back\slash")]
    [InlineData(@"a\nb\rc\td", "a\nb\rc\td")]
    [InlineData(@"nul\0z\Zend", "nul\0z\u001aend")]
    [InlineData(@"bell\b", "bell\b")]
    [InlineData(@"100\% and a\_b", @"100\% and a\_b")]
    [InlineData(@"other\q", "otherq")]
    [InlineData("", "")]
    public void Unescapes_Every_Mysql_Escape(string literal, string expected)
    {
        var (rows, _) = Read(Schema + $"INSERT INTO `books` VALUES (1,'{literal}',NULL);\n");
        Assert.Equal(expected, rows.Single()["Title"]);
    }

    [Fact]
    public void Reads_Numbers_Nulls_And_Zero_Dates()
    {
        const string sql = """
            CREATE TABLE `t` (
              `a` int,
              `b` decimal(5,2),
              `c` timestamp,
              `d` timestamp,
              `e` varchar(5)
            );
            INSERT INTO `t` VALUES (-42,3.25,'0000-00-00 00:00:00','2009-07-20 03:45:11',null);
            """;
        var reader = new SqlDumpReader(new MemoryStream(Encoding.UTF8.GetBytes(sql + "\n")), "t.sql", t => t == "t");
        Assert.True(reader.Read());
        var row = reader.Current;
        Assert.Equal(-42, row.GetInt64(0));
        Assert.Equal("3.25", row.GetString(1));
        Assert.Null(row.GetDateTime(2));
        Assert.Equal(new DateTime(2009, 7, 20, 3, 45, 11, DateTimeKind.Utc), row.GetDateTime(3));
        Assert.True(row.IsNull(4));
        Assert.False(reader.Read());
    }

    [Fact]
    public void Replaces_And_Counts_Invalid_Utf8()
    {
        var sql = Encoding.UTF8.GetBytes(Schema + "INSERT INTO `books` VALUES (1,'ok ").Concat(new byte[] { 0xC3, 0x28, (byte)' ', 0xFF }).Concat(Encoding.UTF8.GetBytes("',NULL);\n")).ToArray();
        var (rows, reader) = Read(sql);
        Assert.Equal("ok \uFFFD( \uFFFD", rows.Single()["Title"]);
        Assert.Equal(2, reader.Statistics.InvalidUtf8Sequences);
    }

    [Fact]
    public void Keeps_A_Byte_Order_Mark_Inside_A_Value() =>
        Assert.Equal("\uFEFFAuthor", Read(Schema + "INSERT INTO `books` VALUES (1,'\uFEFFAuthor',NULL);\n").Rows.Single()["Title"]);

    [Fact]
    public void Never_Takes_Trigger_Bodies_For_Data()
    {
        var sql = Schema + """
            INSERT INTO `books` VALUES (1,'real',NULL);
            DELIMITER ;;
            /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `t` BEFORE UPDATE ON `books` FOR EACH ROW BEGIN
            INSERT INTO `books` VALUES (OLD.`ID`, OLD.`Title`, NULL);
            END */;;
            DELIMITER ;
            INSERT INTO `books` VALUES (2,'also real',NULL);

            """;
        var (rows, reader) = Read(sql);
        Assert.Equal(["real", "also real"], rows.Select(r => r["Title"]));
        Assert.Empty(reader.Issues);
    }

    [Fact]
    public void Skips_And_Reports_Unknown_Tables()
    {
        var sql = Schema + "CREATE TABLE `other` (\n  `x` int\n);\nINSERT INTO `other` VALUES (1),(2);\nINSERT INTO `books` VALUES (1,'kept',NULL);\n";
        var (rows, reader) = Read(sql);
        Assert.Single(rows);
        Assert.False(reader.Statistics.Tables["other"].Wanted);
        Assert.Equal(1, reader.Statistics.Tables["other"].Statements);
    }

    [Fact]
    public void A_Row_With_The_Wrong_Number_Of_Values_Is_Skipped_Whole_And_Located()
    {
        var sql = Schema + "INSERT INTO `books` VALUES (1,'one',NULL),(2,'two'),(3,'three',NULL);\n";
        var (rows, reader) = Read(sql);
        Assert.Equal(["one", "three"], rows.Select(r => r["Title"]));
        var issue = Assert.Single(reader.Issues);
        Assert.Equal(DumpIssueSeverity.Error, issue.Severity);
        Assert.Equal("books", issue.Table);
        Assert.Equal(7, issue.Line);
        Assert.Equal(Encoding.UTF8.GetByteCount(Schema) + "INSERT INTO `books` VALUES (1,'one',NULL),".Length, issue.Offset);
        Assert.Contains("2 values but the table has 3 columns", issue.Message, StringComparison.Ordinal);
        Assert.StartsWith("test.sql:7 (byte ", issue.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, reader.Statistics.Tables["books"].BadRows);
    }

    [Fact]
    public void Binary_Garbage_Skips_The_Rest_Of_The_Statement_And_Reading_Goes_On()
    {
        var sql = Encoding.UTF8.GetBytes(Schema + "INSERT INTO `books` VALUES (1,'good',NULL),(2,")
            .Concat(new byte[] { 0x00, 0x13, 0x37, 0xFE })
            .Concat(Encoding.UTF8.GetBytes(",NULL);\nINSERT INTO `books` VALUES (3,'after',NULL);\n")).ToArray();
        var (rows, reader) = Read(sql);
        Assert.Equal(["good", "after"], rows.Select(r => r["Title"]));
        var issue = Assert.Single(reader.Issues);
        Assert.Contains("byte 0x00", issue.Message, StringComparison.Ordinal);
        Assert.Equal("books", issue.Table);
    }

    [Fact]
    public void An_Unterminated_String_Is_Reported_With_Where_It_Started()
    {
        var (rows, reader) = Read(Schema + "INSERT INTO `books` VALUES (1,'never closed");
        Assert.Empty(rows);
        var issue = Assert.Single(reader.Issues);
        Assert.Contains("unterminated string that starts at line 7", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Truncated_File_Keeps_The_Complete_Rows_And_Says_So()
    {
        var (rows, reader) = Read(Schema + "INSERT INTO `books` VALUES (1,'whole',NULL),(2,'half");
        Assert.Equal(["whole"], rows.Select(r => r["Title"]));
        Assert.Contains(reader.Issues, i => i.Severity == DumpIssueSeverity.Error && i.Message.Contains("unterminated", StringComparison.Ordinal));

        (rows, reader) = Read(Schema + "INSERT INTO `books` VALUES (1,'whole',NULL)");
        Assert.Single(rows);
        Assert.Contains(reader.Issues, i => i.Message.Contains("truncated", StringComparison.Ordinal));
    }

    [Fact]
    public void An_Insert_Without_Columns_Or_Schema_Is_Refused_With_The_Table_Name()
    {
        var (rows, reader) = Read("INSERT INTO `books` VALUES (1,'x',NULL);\n");
        Assert.Empty(rows);
        Assert.Contains("no CREATE TABLE", Assert.Single(reader.Issues).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_File_That_Is_Not_A_Dump_Gets_A_Warning()
    {
        var (rows, reader) = Read(Encoding.UTF8.GetBytes("just some text\nwith lines\n"));
        Assert.Empty(rows);
        Assert.Contains("no INSERT statements", Assert.Single(reader.Issues).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_Values_Far_Longer_Than_Its_Buffer()
    {
        var big = new string('x', 3_000_000);
        var (rows, _) = Read(Schema + $"INSERT INTO `books` VALUES (1,'{big}',NULL),(2,'small',NULL);\n");
        Assert.Equal(3_000_000, rows[0]["Title"]!.Length);
        Assert.Equal("small", rows[1]["Title"]);
    }

    [Fact]
    public void Reads_Rows_Split_Over_Lines_And_Spaces()
    {
        var (rows, _) = Read(Schema + "INSERT INTO `books` VALUES\n(1, 'a', NULL)\n,(2, 'b', '2000') ;\n");
        Assert.Equal(["a", "b"], rows.Select(r => r["Title"]));
    }

    [Fact]
    public void Opens_Gzip_And_Zip_And_Refuses_Rar_With_The_Command_To_Extract_It()
    {
        var directory = Path.Join(Path.GetTempPath(), "librarycluster-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var sql = Encoding.UTF8.GetBytes(Schema + "INSERT INTO `books` VALUES (1,'packed',NULL);\n");
            var gz = Path.Join(directory, "d.sql.gz");
            using (var stream = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            {
                stream.Write(sql);
            }

            var zip = Path.Join(directory, "d.zip");
            using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
            {
                using var entry = archive.CreateEntry("libgen.sql").Open();
                entry.Write(sql);
            }

            foreach (var path in new[] { gz, zip })
            {
                using var file = DumpFile.Open(path);
                var reader = new SqlDumpReader(file.Sql, path, t => t == "books");
                Assert.True(reader.Read());
                Assert.Equal("packed", reader.Current.GetString(1));
            }

            var rar = Path.Join(directory, "libgen.rar");
            File.WriteAllBytes(rar, [.. "Rar!\u001a\u0007\u0000"u8, 0, 0]);
            var error = Assert.Throws<CatalogException>(() => DumpFile.Open(rar));
            Assert.Contains("apt-get install unar", error.Message, StringComparison.Ordinal);
            Assert.Contains("no such file", Assert.Throws<CatalogException>(() => DumpFile.Open(Path.Join(directory, "absent.sql"))).Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
