namespace LibraryCluster.Samples;

/// <summary>The libgen.rs tables as their dumps define them (<c>libgen-formats.md</c> §1.3).</summary>
internal static class SampleSchemas
{
    private const string Utf8 = "ENGINE=MyISAM DEFAULT CHARSET=utf8";
    private const string Utf8Mb4 = "ENGINE=MyISAM DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

    public static readonly SqlTable Updated = new(
        "updated",
        [
            ("ID", "int(15) unsigned NOT NULL AUTO_INCREMENT"), ("Title", "varchar(2000) DEFAULT ''"), ("VolumeInfo", "varchar(100) DEFAULT ''"),
            ("Series", "varchar(300) DEFAULT ''"), ("Periodical", "varchar(200) DEFAULT ''"), ("Author", "varchar(1000) DEFAULT ''"),
            ("Year", "varchar(14) DEFAULT ''"), ("Edition", "varchar(60) DEFAULT ''"), ("Publisher", "varchar(400) DEFAULT ''"),
            ("City", "varchar(100) DEFAULT ''"), ("Pages", "varchar(100) DEFAULT ''"), ("PagesInFile", "int(10) unsigned NOT NULL DEFAULT '0'"),
            ("Language", "varchar(150) DEFAULT ''"), ("Topic", "varchar(500) DEFAULT ''"), ("Library", "varchar(50) DEFAULT ''"),
            ("Issue", "varchar(100) DEFAULT ''"), ("Identifier", "varchar(300) DEFAULT ''"), ("ISSN", "varchar(9) DEFAULT ''"),
            ("ASIN", "varchar(200) DEFAULT ''"), ("UDC", "varchar(200) DEFAULT ''"), ("LBC", "varchar(200) DEFAULT ''"),
            ("DDC", "varchar(45) DEFAULT ''"), ("LCC", "varchar(45) DEFAULT ''"), ("Doi", "varchar(45) DEFAULT ''"),
            ("Googlebookid", "varchar(45) DEFAULT ''"), ("OpenLibraryID", "varchar(200) DEFAULT ''"), ("Commentary", "varchar(10000) DEFAULT ''"),
            ("DPI", "int(6) unsigned DEFAULT '0'"), ("Color", "varchar(1) DEFAULT ''"), ("Cleaned", "varchar(1) DEFAULT ''"),
            ("Orientation", "varchar(1) DEFAULT ''"), ("Paginated", "varchar(1) DEFAULT ''"), ("Scanned", "varchar(1) DEFAULT ''"),
            ("Bookmarked", "varchar(1) DEFAULT ''"), ("Searchable", "varchar(1) DEFAULT ''"), ("Filesize", "bigint(20) unsigned NOT NULL DEFAULT '0'"),
            ("Extension", "varchar(50) DEFAULT ''"), ("MD5", "char(32) DEFAULT ''"), ("Generic", "char(32) DEFAULT ''"),
            ("Visible", "char(3) DEFAULT ''"), ("Locator", "varchar(733) DEFAULT ''"), ("Local", "int(10) unsigned DEFAULT '0'"),
            ("TimeAdded", "timestamp NOT NULL DEFAULT '2000-01-01 05:00:00'"),
            ("TimeLastModified", "timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"),
            ("Coverurl", "varchar(200) DEFAULT ''"), ("Tags", "varchar(500) DEFAULT ''"), ("IdentifierWODash", "varchar(300) DEFAULT ''"),
        ],
        ["PRIMARY KEY (`ID`)", "UNIQUE KEY `MD5` (`MD5`)", "KEY `Generic` (`Generic`)", "KEY `TimeLastModified` (`TimeLastModified`)"],
        "ENGINE=MyISAM AUTO_INCREMENT=4142001 DEFAULT CHARSET=utf8");

    /// <summary>An edit-history table the importer does not know; it must be skipped and reported.</summary>
    public static readonly SqlTable UpdatedEdited = new(
        "updated_edited",
        [("ID", "int(15) unsigned NOT NULL"), ("Title", "varchar(2000) DEFAULT ''"), ("MD5", "char(32) DEFAULT ''"), ("TimeLastModified", "timestamp NULL DEFAULT NULL")],
        ["KEY `ID` (`ID`)"],
        Utf8);

    public static readonly SqlTable Description = new(
        "description",
        [("id", "int(11) NOT NULL AUTO_INCREMENT"), ("md5", "varchar(32) NOT NULL DEFAULT ''"), ("descr", "mediumtext NOT NULL"), ("toc", "mediumtext NOT NULL"),
         ("TimeLastModified", "timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP")],
        ["PRIMARY KEY (`id`)", "UNIQUE KEY `md5_unique` (`md5`) USING BTREE"],
        "ENGINE=MyISAM DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");

    public static readonly SqlTable Hashes = new(
        "hashes",
        [("md5", "char(32) NOT NULL DEFAULT ''"), ("crc32", "char(8) NOT NULL DEFAULT ''"), ("edonkey", "char(32) NOT NULL DEFAULT ''"),
         ("aich", "char(32) NOT NULL DEFAULT ''"), ("sha1", "char(40) NOT NULL DEFAULT ''"), ("tth", "char(39) NOT NULL DEFAULT ''"),
         ("torrent", "text"), ("btih", "char(40) NOT NULL DEFAULT ''"), ("sha256", "char(64) NOT NULL DEFAULT ''"), ("ipfs_cid", "char(62) NOT NULL DEFAULT ''")],
        ["PRIMARY KEY (`md5`)"],
        Utf8);

    public static readonly SqlTable Topics = new(
        "topics",
        [("id", "int(11) NOT NULL AUTO_INCREMENT"), ("topic_descr", "varchar(500) NOT NULL DEFAULT ''"), ("lang", "varchar(2) NOT NULL DEFAULT ''"),
         ("kolxoz_code", "varchar(10) NOT NULL DEFAULT ''"), ("topic_id", "int(11) DEFAULT NULL"), ("topic_id_hl", "int(11) DEFAULT NULL")],
        ["PRIMARY KEY (`id`)"],
        Utf8);

    public static readonly SqlTable Fiction = new(
        "fiction",
        [
            ("ID", "int(10) unsigned NOT NULL AUTO_INCREMENT"), ("MD5", "char(32) CHARACTER SET ascii DEFAULT NULL"), ("Title", "varchar(2000) DEFAULT ''"),
            ("Author", "varchar(300) DEFAULT ''"), ("Series", "varchar(300) DEFAULT ''"), ("Edition", "varchar(50) DEFAULT ''"),
            ("Language", "varchar(45) DEFAULT ''"), ("Year", "varchar(10) DEFAULT ''"), ("Publisher", "varchar(100) DEFAULT ''"),
            ("Pages", "varchar(10) DEFAULT ''"), ("Identifier", "varchar(400) DEFAULT ''"), ("GooglebookID", "varchar(45) DEFAULT ''"),
            ("ASIN", "varchar(10) DEFAULT ''"), ("Coverurl", "varchar(200) DEFAULT ''"), ("Extension", "varchar(10) NOT NULL"),
            ("Filesize", "int(10) unsigned NOT NULL"), ("Library", "varchar(50) DEFAULT ''"), ("Issue", "varchar(100) DEFAULT ''"),
            ("Locator", "varchar(512) DEFAULT ''"), ("Commentary", "varchar(500) DEFAULT NULL"), ("Generic", "char(32) DEFAULT ''"),
            ("Visible", "char(3) DEFAULT ''"), ("TimeAdded", "timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP"),
            ("TimeLastModified", "timestamp NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP"),
        ],
        ["PRIMARY KEY (`ID`)", "UNIQUE KEY `MD5UNIQUE` (`MD5`) USING BTREE"],
        "ENGINE=MyISAM AUTO_INCREMENT=2786388 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");

    public static readonly SqlTable FictionDescription = new(
        "fiction_description",
        [("MD5", "char(32) CHARACTER SET ascii NOT NULL"), ("Descr", "mediumtext"), ("TimeLastModified", "timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP")],
        ["PRIMARY KEY (`MD5`)"],
        Utf8Mb4);

    public static readonly SqlTable FictionHashes = new(
        "fiction_hashes",
        [("md5", "char(32) CHARACTER SET ascii NOT NULL"), ("crc32", "char(8) NOT NULL DEFAULT ''"), ("edonkey", "char(32) NOT NULL DEFAULT ''"),
         ("aich", "char(32) NOT NULL DEFAULT ''"), ("sha1", "char(40) NOT NULL DEFAULT ''"), ("tth", "char(39) NOT NULL DEFAULT ''"),
         ("btih", "char(40) NOT NULL DEFAULT ''"), ("sha256", "char(64) NOT NULL DEFAULT ''"), ("ipfs_cid", "char(62) NOT NULL DEFAULT ''")],
        ["PRIMARY KEY (`md5`)"],
        Utf8Mb4);

    public static readonly SqlTable Scimag = new(
        "scimag",
        [
            ("ID", "int(15) unsigned NOT NULL AUTO_INCREMENT"), ("DOI", "varchar(200) NOT NULL"), ("DOI2", "varchar(100) DEFAULT ''"),
            ("Title", "varchar(2000) DEFAULT ''"), ("Author", "varchar(2000) DEFAULT ''"), ("Year", "varchar(10) DEFAULT ''"),
            ("Month", "varchar(10) DEFAULT ''"), ("Day", "varchar(10) DEFAULT ''"), ("Volume", "varchar(45) DEFAULT ''"),
            ("Issue", "varchar(95) DEFAULT ''"), ("First_page", "varchar(45) DEFAULT ''"), ("Last_page", "varchar(45) DEFAULT ''"),
            ("Journal", "varchar(500) DEFAULT ''"), ("ISBN", "varchar(500) DEFAULT ''"), ("ISSNP", "varchar(11) DEFAULT ''"),
            ("ISSNE", "varchar(10) DEFAULT ''"), ("MD5", "varchar(32) DEFAULT ''"), ("Filesize", "int(11) unsigned NOT NULL DEFAULT '0'"),
            ("TimeAdded", "timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP"), ("JOURNALID", "varchar(45) DEFAULT ''"), ("AbstractURL", "varchar(500) DEFAULT ''"),
            ("Attribute1", "varchar(1000) DEFAULT ''"), ("Attribute2", "varchar(1000) DEFAULT ''"), ("Attribute3", "varchar(1000) DEFAULT ''"),
            ("Attribute4", "varchar(1000) DEFAULT ''"), ("Attribute5", "varchar(1000) DEFAULT ''"), ("Attribute6", "varchar(1000) DEFAULT ''"),
            ("visible", "char(3) DEFAULT ''"), ("PubmedID", "varchar(10) DEFAULT ''"), ("PMC", "varchar(12) DEFAULT ''"), ("PII", "varchar(45) DEFAULT ''"),
        ],
        ["PRIMARY KEY (`ID`)", "UNIQUE KEY `DOIUNIQUE` (`DOI`) USING BTREE", "KEY `MD5` (`MD5`)"],
        "ENGINE=MyISAM AUTO_INCREMENT=87637043 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci");

    /// <summary>A table the importer does not use; it must be skipped and reported.</summary>
    public static readonly SqlTable Publishers = new(
        "publishers",
        [("ID", "int(11) NOT NULL AUTO_INCREMENT"), ("DOICode", "varchar(45) DEFAULT ''"), ("Publisher", "varchar(500) DEFAULT ''")],
        ["PRIMARY KEY (`ID`)"],
        Utf8Mb4);

    /// <summary>The trigger block mysqldump writes after a table's data; none of its lines are data.</summary>
    public static string Trigger(string table, string name, string historyTable, IEnumerable<string> columns)
    {
        var list = columns.ToList();
        return $"""
            /*!50003 SET @saved_cs_client      = @@character_set_client */ ;
            /*!50003 SET @saved_cs_results     = @@character_set_results */ ;
            /*!50003 SET @saved_col_connection = @@collation_connection */ ;
            /*!50003 SET character_set_client  = utf8 */ ;
            /*!50003 SET character_set_results = utf8 */ ;
            /*!50003 SET collation_connection  = utf8_general_ci */ ;
            /*!50003 SET @saved_sql_mode       = @@sql_mode */ ;
            /*!50003 SET sql_mode              = 'NO_AUTO_VALUE_ON_ZERO' */ ;
            DELIMITER ;;
            /*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `{name}` BEFORE UPDATE ON `{table}` FOR EACH ROW BEGIN
            INSERT INTO `{historyTable}` ({string.Join(", ", list.Select(c => $"`{c}`"))}) VALUES ({string.Join(", ", list.Select(c => $"OLD.`{c}`"))});
            INSERT INTO `technical`.`md5_all` (`md5`) VALUES (NEW.`MD5`);
            END */;;
            DELIMITER ;
            /*!50003 SET sql_mode              = @saved_sql_mode */ ;
            /*!50003 SET character_set_client  = @saved_cs_client */ ;
            /*!50003 SET character_set_results = @saved_cs_results */ ;
            /*!50003 SET collation_connection  = @saved_col_connection */ ;

            """;
    }
}
