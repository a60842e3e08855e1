using System.Globalization;
using System.Text;

namespace LibraryCluster.Samples;

/// <summary>A quoted SQL string written from raw bytes, so that a sample can carry invalid UTF-8 as real dumps do.</summary>
internal sealed record RawSqlString(byte[] Bytes);

/// <summary>The zero date MySQL writes for an unset timestamp.</summary>
internal sealed record ZeroDate
{
    public static ZeroDate Value { get; } = new();
}

/// <summary>A table as mysqldump writes it: columns with their SQL types, keys, and the table options line.</summary>
internal sealed record SqlTable(string Name, IReadOnlyList<(string Name, string Type)> Columns, IReadOnlyList<string> Keys, string Options);

/// <summary>
/// Writes a file in the shape of <c>mysqldump</c> output (see <c>libgen-formats.md</c> §1.2): version-gated
/// header, per table DROP/CREATE/LOCK/extended INSERT/UNLOCK, trigger blocks in <c>DELIMITER ;;</c>, footer.
/// Strings are escaped exactly as mysqldump does (<c>\\ \' \" \0 \n \r \Z</c>); nothing else is touched.
/// </summary>
internal sealed class SqlDumpWriter(Stream output, string database) : IDisposable
{
    /// <summary>mysqldump starts a new INSERT when a statement would pass its net buffer length.</summary>
    public const int MaxStatementBytes = 64 * 1024;

    private readonly BufferedStream _out = new(output, 1 << 16);
    private readonly byte[] _number = new byte[32];
    private long _written;

    public void WriteHeader()
    {
        Line($"-- MariaDB dump 10.19  Distrib 10.5.15-MariaDB, for Linux (x86_64)");
        Line("--");
        Line($"-- Host: localhost    Database: {database}");
        Line("-- ------------------------------------------------------");
        Line("-- Server version\t10.5.15-MariaDB-log");
        Line(string.Empty);
        Line("/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;");
        Line("/*!40101 SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS */;");
        Line("/*!40101 SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION */;");
        Line("/*!40101 SET NAMES utf8 */;");
        Line("/*!40103 SET @OLD_TIME_ZONE=@@TIME_ZONE */;");
        Line("/*!40103 SET TIME_ZONE='+00:00' */;");
        Line("/*!40014 SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0 */;");
        Line("/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;");
        Line("/*!40101 SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO' */;");
        Line("/*!40111 SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0 */;");
        Line(string.Empty);
        Line("--");
        Line("-- Position to start replication or point-in-time recovery from");
        Line("--");
        Line(string.Empty);
        Line("-- CHANGE MASTER TO MASTER_LOG_FILE='mysql-bin.000421', MASTER_LOG_POS=328;");
        Line(string.Empty);
    }

    public void WriteTable(SqlTable table, IEnumerable<object?[]> rows, bool columnList)
    {
        Line(string.Empty);
        Line("--");
        Line($"-- Table structure for table `{table.Name}`");
        Line("--");
        Line(string.Empty);
        Line($"DROP TABLE IF EXISTS `{table.Name}`;");
        Line("/*!40101 SET @saved_cs_client     = @@character_set_client */;");
        Line("/*!40101 SET character_set_client = utf8 */;");
        Line($"CREATE TABLE `{table.Name}` (");
        var definitions = table.Columns.Select(c => $"  `{c.Name}` {c.Type}").Concat(table.Keys.Select(k => "  " + k)).ToList();
        for (var i = 0; i < definitions.Count; i++)
        {
            Line(definitions[i] + (i < definitions.Count - 1 ? "," : string.Empty));
        }

        Line($") {table.Options};");
        Line("/*!40101 SET character_set_client = @saved_cs_client */;");
        Line(string.Empty);
        Line("--");
        Line($"-- Dumping data for table `{table.Name}`");
        Line("--");
        Line(string.Empty);
        Line($"LOCK TABLES `{table.Name}` WRITE;");
        Line($"/*!40000 ALTER TABLE `{table.Name}` DISABLE KEYS */;");

        var prefix = columnList
            ? $"INSERT INTO `{table.Name}` ({string.Join(", ", table.Columns.Select(c => $"`{c.Name}`"))}) VALUES "
            : $"INSERT INTO `{table.Name}` VALUES ";
        long statementBytes = -1;
        foreach (var row in rows)
        {
            if (row.Length != table.Columns.Count)
            {
                throw new InvalidOperationException($"row for {table.Name} has {row.Length} values, table has {table.Columns.Count} columns");
            }

            if (statementBytes < 0 || statementBytes > MaxStatementBytes)
            {
                if (statementBytes >= 0)
                {
                    Text(";\n");
                }

                var start = _written;
                Text(prefix);
                statementBytes = _written - start;
            }
            else
            {
                Text(",");
            }

            var rowStart = _written;
            WriteRow(row);
            statementBytes += _written - rowStart + 1;
        }

        if (statementBytes >= 0)
        {
            Text(";\n");
        }

        Line($"/*!40000 ALTER TABLE `{table.Name}` ENABLE KEYS */;");
        Line("UNLOCK TABLES;");
    }

    /// <summary>Raw lines (a trigger block) written as they are.</summary>
    public void WriteRaw(string text) => Text(text);

    public void WriteFooter()
    {
        Line("/*!40103 SET TIME_ZONE=@OLD_TIME_ZONE */;");
        Line(string.Empty);
        Line("/*!40101 SET SQL_MODE=@OLD_SQL_MODE */;");
        Line("/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;");
        Line("/*!40014 SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS */;");
        Line("/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;");
        Line("/*!40101 SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS */;");
        Line("/*!40101 SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION */;");
        Line("/*!40111 SET SQL_NOTES=@OLD_SQL_NOTES */;");
        Line(string.Empty);
        Line("-- Dump completed on 2024-03-01  4:05:06");
    }

    public void Dispose() => _out.Dispose();

    private void WriteRow(object?[] row)
    {
        Byte((byte)'(');
        for (var i = 0; i < row.Length; i++)
        {
            if (i > 0)
            {
                Byte((byte)',');
            }

            switch (row[i])
            {
                case null:
                    Text("NULL");
                    break;
                case long or int:
                    Utf8Formatter(Convert.ToInt64(row[i], CultureInfo.InvariantCulture));
                    break;
                case string text:
                    Quoted(Encoding.UTF8.GetBytes(text));
                    break;
                case RawSqlString raw:
                    Quoted(raw.Bytes);
                    break;
                case DateTime time:
                    Text(time.ToString("\\'yyyy-MM-dd HH:mm:ss\\'", CultureInfo.InvariantCulture));
                    break;
                case ZeroDate:
                    Text("'0000-00-00 00:00:00'");
                    break;
                default:
                    throw new InvalidOperationException($"no SQL form for {row[i]!.GetType().Name}");
            }
        }

        Byte((byte)')');
    }

    private void Quoted(ReadOnlySpan<byte> bytes)
    {
        Byte((byte)'\'');
        foreach (var b in bytes)
        {
            var escape = b switch
            {
                0 => (byte)'0',
                (byte)'\n' => (byte)'n',
                (byte)'\r' => (byte)'r',
                0x1A => (byte)'Z',
                (byte)'\\' or (byte)'\'' or (byte)'"' => b,
                _ => (byte)0,
            };
            if (escape != 0)
            {
                Byte((byte)'\\');
                Byte(escape);
            }
            else
            {
                Byte(b);
            }
        }

        Byte((byte)'\'');
    }

    private void Utf8Formatter(long value)
    {
        System.Buffers.Text.Utf8Formatter.TryFormat(value, _number, out var written);
        Bytes(_number.AsSpan(0, written));
    }

    private void Byte(byte value)
    {
        _out.WriteByte(value);
        _written++;
    }

    private void Bytes(ReadOnlySpan<byte> bytes)
    {
        _out.Write(bytes);
        _written += bytes.Length;
    }

    private void Line(string text)
    {
        Text(text);
        Byte((byte)'\n');
    }

    private void Text(string text) => Bytes(Encoding.UTF8.GetBytes(text));
}
