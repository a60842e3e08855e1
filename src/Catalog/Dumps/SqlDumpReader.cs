using System.Text;

namespace LibraryCluster.Catalog.Dumps;

/// <summary>
/// A streaming reader for mysqldump files (<c>libgen-formats.md</c> §1.2). It delivers the rows of the
/// tables it is asked for, one at a time, straight from the bytes: INSERTs with or without a column
/// list (else the columns come from the CREATE TABLE), every MySQL string escape, NULL, numbers.
/// Trigger bodies between <c>DELIMITER ;;</c> and <c>DELIMITER ;</c> are never data. A malformed row or
/// statement is reported with file, line, byte offset and table, and skipped whole.
/// </summary>
public sealed class SqlDumpReader
{
    /// <summary>Statements other than INSERTs are short; a longer one is skipped with a warning.</summary>
    private const int MaxOtherLineLength = 1 << 20;

    /// <summary>A row bigger than this is refused rather than allowed to exhaust memory.</summary>
    private const int MaxRowBytes = 256 << 20;

    private const int MaxColumns = 4096;

    private static readonly byte[] InsertPrefix = "INSERT INTO `"u8.ToArray();

    private readonly DumpInput _input;
    private readonly string _file;
    private readonly Func<string, bool> _wantTable;
    private readonly List<DumpIssue> _issues = [];
    private readonly Dictionary<string, List<string>> _schemas = new(StringComparer.Ordinal);
    private readonly List<byte> _line = [];
    private readonly DumpRow _row;

    private string? _creating;
    private List<string>? _creatingColumns;
    private bool _inTriggerBlock;
    private long _triggerLine;
    private bool _inStatement;
    private bool _firstRow;
    private string _table = string.Empty;
    private IReadOnlyList<string> _columns = [];
    private DumpTableStatistics? _tableStatistics;
    private bool _sawInsert;

    public SqlDumpReader(Stream stream, string fileName, Func<string, bool> wantTable)
    {
        _input = new DumpInput(stream);
        _file = fileName;
        _wantTable = wantTable;
        _row = new DumpRow(Statistics);
    }

    public DumpStatistics Statistics { get; } = new();

    public IReadOnlyList<DumpIssue> Issues => _issues;

    /// <summary>Bytes consumed so far (of the decompressed stream).</summary>
    public long Offset => _input.Offset;

    /// <summary>The 1-based line the reader is at.</summary>
    public long Line => _input.Line;

    /// <summary>The name issues are reported under.</summary>
    public string FileName => _file;

    /// <summary>The current row; valid until the next <see cref="Read"/>.</summary>
    public DumpRow Current => _row;

    /// <summary>Moves to the next row of a wanted table; false at the end of the dump.</summary>
    public bool Read()
    {
        while (true)
        {
            if (_inStatement)
            {
                switch (NextRow())
                {
                    case RowResult.Row:
                        return true;
                    case RowResult.End:
                        return false;
                    default:
                        continue;
                }
            }

            if (_input.AtEnd)
            {
                Finish();
                return false;
            }

            if (!_inTriggerBlock && _creating is null && _input.TryConsume(InsertPrefix))
            {
                BeginInsert();
                continue;
            }

            var lineNumber = _input.Line;
            var offset = _input.Offset;
            if (!_input.ReadLine(_line, MaxOtherLineLength))
            {
                Issue(DumpIssueSeverity.Warning, lineNumber, offset, null, $"skipped a line longer than {MaxOtherLineLength} bytes that is not an INSERT");
                continue;
            }

            OtherLine(lineNumber);
        }
    }

    private void OtherLine(long lineNumber)
    {
        var text = Encoding.UTF8.GetString(_line.ToArray()).Trim();
        if (_inTriggerBlock)
        {
            if (text.StartsWith("DELIMITER ;", StringComparison.OrdinalIgnoreCase) && text.Length == "DELIMITER ;".Length)
            {
                _inTriggerBlock = false;
            }

            return;
        }

        if (text.StartsWith("DELIMITER ", StringComparison.OrdinalIgnoreCase) && text != "DELIMITER ;")
        {
            _inTriggerBlock = true;
            _triggerLine = lineNumber;
            return;
        }

        if (_creating is not null)
        {
            if (text.StartsWith('`'))
            {
                var end = text.IndexOf('`', 1);
                if (end > 1)
                {
                    _creatingColumns!.Add(text[1..end]);
                }
            }
            else if (text.StartsWith(')'))
            {
                _schemas[_creating] = _creatingColumns!;
                _creating = null;
            }

            return;
        }

        const string Create = "CREATE TABLE `";
        if (text.StartsWith(Create, StringComparison.OrdinalIgnoreCase))
        {
            var end = text.IndexOf('`', Create.Length);
            if (end > Create.Length)
            {
                _creating = text[Create.Length..end];
                _creatingColumns = [];
                Statistics.Table(_creating).Wanted = _wantTable(_creating);
            }
        }
    }

    private void BeginInsert()
    {
        var line = _input.Line;
        var offset = _input.Offset - InsertPrefix.Length;
        _sawInsert = true;
        var name = ReadQuotedName();
        if (name is null)
        {
            Fail(line, offset, null, "INSERT INTO without a closing ` after the table name");
            return;
        }

        var statistics = Statistics.Table(name);
        statistics.Statements++;
        statistics.Wanted = _wantTable(name);
        if (!statistics.Wanted)
        {
            _input.SkipLine();
            return;
        }

        SkipSpaces();
        IReadOnlyList<string>? columns = null;
        if (_input.Peek() == '(')
        {
            _input.Next();
            columns = ReadColumnList();
            if (columns is null)
            {
                Fail(line, offset, name, "malformed column list (expected `name`, `name`, ...)");
                return;
            }
        }

        SkipSpaces();
        if (!_input.TryConsume("VALUES"u8) && !_input.TryConsume("values"u8))
        {
            Fail(line, offset, name, "expected VALUES after the table name");
            return;
        }

        columns ??= _schemas.GetValueOrDefault(name);
        if (columns is null)
        {
            Fail(line, offset, name, "INSERT without a column list, and no CREATE TABLE for it came before");
            return;
        }

        _table = name;
        _columns = columns;
        _tableStatistics = statistics;
        _inStatement = true;
        _firstRow = true;
    }

    private RowResult NextRow()
    {
        SkipWhitespace();
        var b = _input.Peek();
        if (b == -1)
        {
            Issue(DumpIssueSeverity.Error, _input.Line, _input.Offset, _table, "the file ends inside an INSERT statement (truncated?)");
            _inStatement = false;
            Finish();
            return RowResult.End;
        }

        if (!_firstRow)
        {
            if (b == ';')
            {
                _input.Next();
                _inStatement = false;
                SkipSpaces();
                if (_input.Peek() is not ('\n' or -1))
                {
                    Issue(DumpIssueSeverity.Warning, _input.Line, _input.Offset, _table, "text after the end of an INSERT statement was ignored");
                }

                _input.SkipLine();
                return RowResult.Skip;
            }

            if (b != ',')
            {
                return Abort($"expected ',' or ';' after a row, found {Describe(b)}");
            }

            _input.Next();
            SkipWhitespace();
            b = _input.Peek();
        }

        _firstRow = false;
        if (b != '(')
        {
            return Abort($"expected '(' to start a row, found {Describe(b)}");
        }

        var rowLine = _input.Line;
        var rowOffset = _input.Offset;
        _input.Next();
        _row.Reset();
        var problem = ReadValues();
        if (problem is not null)
        {
            _tableStatistics!.BadRows++;
            return Abort(problem, rowLine, rowOffset);
        }

        if (_row.Count != _columns.Count)
        {
            _tableStatistics!.BadRows++;
            Issue(DumpIssueSeverity.Error, rowLine, rowOffset, _table, $"row has {_row.Count} values but the table has {_columns.Count} columns; row skipped");
            return RowResult.Skip;
        }

        _row.Table = _table;
        _row.Columns = _columns;
        _row.Line = rowLine;
        _row.Offset = rowOffset;
        _tableStatistics!.Rows++;
        return RowResult.Row;
    }

    /// <summary>Reads the values of a row after its '('; returns why it failed, or null.</summary>
    private string? ReadValues()
    {
        while (true)
        {
            SkipWhitespace();
            var b = _input.Peek();
            switch (b)
            {
                case '\'':
                    _input.Next();
                    if (ReadString() is { } stringProblem)
                    {
                        return stringProblem;
                    }

                    break;
                case 'N' or 'n':
                    if (!_input.TryConsume("NULL"u8) && !_input.TryConsume("null"u8))
                    {
                        return $"expected NULL, a number or a quoted string, found {Describe(b)}";
                    }

                    _row.AddNull();
                    break;
                case (>= '0' and <= '9') or '-' or '+' or '.':
                    ReadNumber();
                    break;
                case '_':
                    // A charset introducer (_binary'…', _utf8mb4'…'): skip it, the string follows.
                    while (_input.Peek() is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_')
                    {
                        _input.Next();
                    }

                    SkipSpaces();
                    if (_input.Next() != '\'')
                    {
                        return "expected a quoted string after a charset introducer";
                    }

                    if (ReadString() is { } introducedProblem)
                    {
                        return introducedProblem;
                    }

                    break;
                case -1:
                    return "the file ends inside a row (truncated?)";
                default:
                    return $"expected NULL, a number or a quoted string, found {Describe(b)}";
            }

            if (_row.Count > MaxColumns)
            {
                return $"row has more than {MaxColumns} values";
            }

            SkipWhitespace();
            b = _input.Next();
            if (b == ')')
            {
                return null;
            }

            if (b != ',')
            {
                return b == -1 ? "the file ends inside a row (truncated?)" : $"expected ',' or ')' after a value, found {Describe(b)}";
            }
        }
    }

    /// <summary>Reads a quoted string after its opening quote, unescaping as MySQL does.</summary>
    private string? ReadString()
    {
        var startLine = _input.Line;
        var startOffset = _input.Offset - 1;
        _row.BeginValue(SqlValueKind.String);
        while (true)
        {
            var span = _input.Available;
            if (span.IsEmpty)
            {
                if (!_input.Fill())
                {
                    return $"unterminated string that starts at line {startLine} (byte {startOffset})";
                }

                continue;
            }

            var special = span.IndexOfAny((byte)'\'', (byte)'\\');
            if (special < 0)
            {
                _row.Append(span);
                _input.Advance(span.Length);
            }
            else
            {
                _row.Append(span[..special]);
                _input.Advance(special);
                var quoteOrBackslash = _input.Next();
                if (quoteOrBackslash == '\'')
                {
                    if (_input.Peek() != '\'')
                    {
                        return null;
                    }

                    _input.Next(); // '' is one quote
                    _row.Append((byte)'\'');
                }
                else
                {
                    var escaped = _input.Next();
                    switch (escaped)
                    {
                        case -1:
                            return $"unterminated string that starts at line {startLine} (byte {startOffset})";
                        case '0':
                            _row.Append(0);
                            break;
                        case 'n':
                            _row.Append((byte)'\n');
                            break;
                        case 'r':
                            _row.Append((byte)'\r');
                            break;
                        case 't':
                            _row.Append((byte)'\t');
                            break;
                        case 'b':
                            _row.Append(8);
                            break;
                        case 'Z':
                            _row.Append(0x1A);
                            break;
                        case '%' or '_':
                            // MySQL keeps the backslash of \% and \_ (they are LIKE escapes).
                            _row.Append((byte)'\\');
                            _row.Append((byte)escaped);
                            break;
                        default:
                            _row.Append((byte)escaped);
                            break;
                    }
                }
            }

            if (_row.ArenaLength > MaxRowBytes)
            {
                return $"row is larger than {MaxRowBytes >> 20} MiB";
            }
        }
    }

    private void ReadNumber()
    {
        _row.BeginValue(SqlValueKind.Number);
        while (_input.Peek() is (>= '0' and <= '9') or '-' or '+' or '.' or 'e' or 'E' or 'x' or (>= 'a' and <= 'f') or (>= 'A' and <= 'F'))
        {
            _row.Append((byte)_input.Next());
        }
    }

    private string? ReadQuotedName()
    {
        var name = new StringBuilder();
        while (true)
        {
            var b = _input.Next();
            if (b == '`')
            {
                return name.ToString();
            }

            if (b is -1 or '\n' || name.Length > 256)
            {
                return null;
            }

            name.Append((char)b);
        }
    }

    private List<string>? ReadColumnList()
    {
        var columns = new List<string>();
        while (true)
        {
            SkipSpaces();
            if (_input.Next() != '`' || ReadQuotedName() is not { } name)
            {
                return null;
            }

            columns.Add(name);
            SkipSpaces();
            switch (_input.Next())
            {
                case ',':
                    continue;
                case ')':
                    return columns;
                default:
                    return null;
            }
        }
    }

    private RowResult Abort(string problem, long? line = null, long? offset = null)
    {
        Issue(DumpIssueSeverity.Error, line ?? _input.Line, offset ?? _input.Offset, _table, problem + "; the rest of the statement was skipped");
        _inStatement = false;
        _input.SkipLine();
        return RowResult.Skip;
    }

    private void Fail(long line, long offset, string? table, string problem)
    {
        Issue(DumpIssueSeverity.Error, line, offset, table, problem + "; statement skipped");
        _input.SkipLine();
    }

    private void Finish()
    {
        if (_inTriggerBlock)
        {
            Issue(DumpIssueSeverity.Warning, _triggerLine, 0, null, "a DELIMITER block that starts here is never closed");
            _inTriggerBlock = false;
        }

        if (!_sawInsert)
        {
            Issue(DumpIssueSeverity.Warning, _input.Line, _input.Offset, null, "no INSERT statements found: is this a mysqldump file?");
            _sawInsert = true;
        }
    }

    private void Issue(DumpIssueSeverity severity, long line, long offset, string? table, string message)
    {
        if (_issues.Count < 10_000)
        {
            _issues.Add(new DumpIssue(severity, _file, line, offset, table, message));
        }
    }

    private void SkipSpaces()
    {
        while (_input.Peek() is ' ' or '\t')
        {
            _input.Next();
        }
    }

    private void SkipWhitespace()
    {
        while (_input.Peek() is ' ' or '\t' or '\r' or '\n')
        {
            _input.Next();
        }
    }

    private static string Describe(int b) => b switch
    {
        -1 => "the end of the file",
        >= 0x20 and < 0x7f => $"'{(char)b}'",
        _ => $"byte 0x{b:x2}",
    };

    private enum RowResult
    {
        Row,
        Skip,
        End,
    }
}
