"""Look inside an .xlsx before any reader does: every part streamed, every XML part parsed.

fastexcel (calamine) trusts the file: a few KB can unpack to gigabytes, make it allocate
every cell up to XFD1048576 or hand it a megabyte-long tag. Here the zip's own bookkeeping is
checked first, before anything is unpacked; then each XML part is unpacked in 1 MiB chunks
and fed to expat, with the limits of `loaders.limits` checked as the bytes arrive, so a
hostile file stops at the first limit it crosses. The same pass collects what fastexcel does
not show: merged ranges, formula cells and percent-formatted numbers.

Only expat start-element and text callbacks are used (an end-element callback would cost
another ~40 % on a 90 MB sheet); where a cell ends is inferred from the next cell or row.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS

from loaders import limits
from loaders.limits import Refused
from loaders.workbook import column_letter

CHUNK = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_STYLES = "xl/styles.xml"
_SHARED_STRINGS = "xl/sharedstrings.xml"  # lower case: compared with lower-cased names
_CONTENT_TYPES = "[content_types].xml"
#: Roots of the small parts readers load whole: `limits.MAX_PART_BYTES` applies.
_BOOKKEEPING = frozenset({"workbook", "Relationships", "Types", "styleSheet"})
#: Elements that follow <sheetData> in a worksheet: past them no cell is open.
_AFTER_CELLS = frozenset((
    "sheetCalcPr sheetProtection protectedRanges scenarios autoFilter sortState "
    "dataConsolidate customSheetViews mergeCells phoneticPr conditionalFormatting "
    "dataValidations hyperlinks printOptions pageMargins pageSetup headerFooter rowBreaks "
    "colBreaks customProperties cellWatches ignoredErrors smartTags drawing legacyDrawing "
    "legacyDrawingHF drawingHF picture oleObjects controls webPublishItems tableParts "
    "extLst").split())
_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_MERGE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3}[0-9]{1,7}))?")


class Damaged(zipfile.BadZipFile):
    """Not a readable xlsx: a broken zip, broken XML, or parts that contradict each other."""


def column_index(letters: str) -> int:
    """0-based index of spreadsheet letters: A -> 0, AB -> 27."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


_COLUMNS = {column_letter(i): i for i in range(limits.MAX_COLUMNS)}


@dataclass
class SheetScan:
    """What one worksheet part holds besides its values."""

    merges: list[tuple[str, int, str]] = field(default_factory=list)  # "B", 2, "B2:B3"
    formulas: list[tuple[str, int, bool]] = field(default_factory=list)  # letters, row, cached
    percents: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> number


@dataclass
class WorkbookScan:
    """The checked workbook: sheet name -> what its part holds (sheets in workbook order)."""

    sheets: dict[str, SheetScan]


@dataclass
class _Totals:
    cells: int = 0  # rows x columns laid out by the sheets scanned so far
    text: int = 0  # characters of cell text so far


# --- the zip container ----------------------------------------------------------------------

def _entries(file: str, data: bytes) -> dict[str, zipfile.ZipInfo]:
    """The zip's parts, refused on its bookkeeping alone: nothing is unpacked yet."""
    # zipfile builds an object per central-directory record: count them first.
    if data.count(b"PK\x01\x02") > limits.MAX_ZIP_ENTRIES:
        raise Refused(limits.zip_entries(file))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    by_name: dict[str, zipfile.ZipInfo] = {}
    spans = []
    seen: set[str] = set()
    for info in infos:
        # Readers differ on which of two same-named parts they take (some ignore case).
        if info.filename.lower() in seen:
            raise Damaged(f"duplicate part {info.filename}")
        seen.add(info.filename.lower())
        if info.flag_bits & 1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                            zipfile.ZIP_DEFLATED):
            raise Damaged(f"encrypted or unusual compression: {info.filename}")
        by_name[info.filename] = info
        spans.append((info.header_offset, _data_start(data, info) + info.compress_size))
    spans.sort()
    if any(end > len(data) for _, end in spans) or any(
            a[1] > b[0] for a, b in zip(spans, spans[1:], strict=False)):
        raise Damaged("parts overlap or run past the end")  # the non-recursive zip bomb
    total = sum(i.file_size for i in infos)
    if total > limits.MAX_UNPACKED_BYTES:
        raise Refused(limits.unpacked(file, total))
    return by_name


def _data_start(data: bytes, info: zipfile.ZipInfo) -> int:
    try:
        sig, *_, name_len, extra_len = _LOCAL_HEADER.unpack_from(data, info.header_offset)
    except struct.error as err:
        raise Damaged("truncated local header") from err
    start = info.header_offset + _LOCAL_HEADER.size
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    if sig != b"PK\x03\x04" or data[start:start + name_len] != info.orig_filename.encode(
            encoding, errors="replace"):
        raise Damaged(f"local header of {info.filename} does not match")
    return start + name_len + extra_len


def _check_ratio(file: str, info: zipfile.ZipInfo, label: str) -> None:
    if (info.file_size > limits.RATIO_FROM_BYTES
            and info.file_size > limits.MAX_RATIO * max(info.compress_size, 1)):
        raise Refused(limits.ratio(file, label, info.file_size // max(info.compress_size, 1)))


def _unpacked(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes in chunks, never more than the zip declares (then checked)."""
    start = _data_start(data, info)
    packed = memoryview(data)[start:start + info.compress_size]
    crc, size = 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        pieces: Iterator[bytes] = (bytes(packed[i:i + CHUNK]) for i in range(0, len(packed),
                                                                              CHUNK))
        done = lambda: True  # noqa: E731
    else:
        inflate = zlib.decompressobj(-15)
        pieces = _inflate(inflate, packed)
        done = lambda: inflate.eof and not inflate.unused_data  # noqa: E731
    for piece in pieces:
        size += len(piece)
        if size > info.file_size:  # the header lied: stop at the first byte beyond it
            raise Damaged(f"{info.filename} unpacks to more than it declares")
        crc = zlib.crc32(piece, crc)
        yield piece
    if size != info.file_size or crc != info.CRC or not done():
        raise Damaged(f"{info.filename} does not unpack to what it declares")


def _inflate(inflate, packed: memoryview) -> Iterator[bytes]:
    for i in range(0, len(packed), CHUNK):
        pending = bytes(packed[i:i + CHUNK])
        while pending:
            out = inflate.decompress(pending, CHUNK)
            if not out and len(inflate.unconsumed_tail) == len(pending):
                break  # no progress: what is left shows in the size and CRC check
            pending = inflate.unconsumed_tail
            if out:
                yield out
            if inflate.eof:
                break
    while not inflate.eof and (out := inflate.decompress(b"", CHUNK)):
        yield out


# --- XML ----------------------------------------------------------------------------------

def _parser(file: str) -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args):
        raise Refused(limits.doctype(file))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


def _feed(file: str, label: str, parser, chunks: Iterator[bytes],
          max_bytes: Callable[[], int | None] = lambda: None) -> None:
    """Parse the chunks; refuse a tag expat would have to buffer whole, or a part too big."""
    fed = 0
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            fed += len(chunk)
            # Expat re-reads an unfinished token on every call: bound it, or it is quadratic.
            if fed - parser.CurrentByteIndex > limits.MAX_TOKEN_BYTES:
                raise Refused(limits.token(file))
            cap = max_bytes()
            if cap is not None and fed > cap:
                raise Refused(limits.part_size(file, label, fed))
        parser.Parse(b"", True)
    except expat.ExpatError as err:
        raise Damaged(f"{label}: {err}") from err


def _local(names: dict[str, str], name: str) -> str:
    """`c` for `x:c` (readers match local names, whatever the prefix), cached in `names`."""
    local = names.get(name)
    if local is None:
        local = names[name] = name.rpartition(":")[2] or "_"
    return local


def _workbook_sheets(file: str, parser, chunks) -> list[tuple[str, str]]:
    """(sheet name, relationship id) in workbook order."""
    names: dict[str, str] = {}
    found: list[tuple[str, str]] = []

    def start(name, attrs):
        if _local(names, name) == "sheet":
            if len(found) >= limits.MAX_SHEETS:
                raise Refused(limits.sheets())
            # r:id, whatever the prefix of the relationships namespace is called
            rid = next((v for k, v in attrs.items() if k.endswith(":id")), "")
            found.append((attrs.get("name", ""), rid))

    parser.StartElementHandler = start
    _feed(file, _WORKBOOK, parser, chunks, lambda: limits.MAX_PART_BYTES)
    return found


def _relationships(file: str, parser, chunks) -> dict[str, tuple[str, str]]:
    """Relationship id -> (target, type)."""
    names: dict[str, str] = {}
    found: dict[str, tuple[str, str]] = {}

    def start(name, attrs):
        if _local(names, name) == "Relationship":
            found[attrs.get("Id", "")] = (attrs.get("Target", ""), attrs.get("Type", ""))

    parser.StartElementHandler = start
    _feed(file, _WORKBOOK_RELS, parser, chunks, lambda: limits.MAX_PART_BYTES)
    return found


def _targets(target: str, parts: dict[str, str]) -> list[str]:
    """The parts a sheet's relationship target may name, the usual reading first.

    Readers differ (relative to xl/ or to the root, case-insensitive lookups), so every
    reading is checked as a sheet: a target must not reach an unchecked part by a detour.
    `parts`: lower-case name -> name.
    """
    plain = target.replace("\\", "/")
    usual = plain.lstrip("/") if plain.startswith("/") else f"xl/{plain}"
    found = []
    for path in (usual, plain.lstrip("/"), f"xl/{plain.lstrip('/')}"):
        name = parts.get(posixpath.normpath(path).lower())
        if name is not None and name not in found:
            found.append(name)
    return found


# --- parts other than sheets ----------------------------------------------------------------

@dataclass
class _Shared:
    """What sheets need from the other parts: shared-text lengths and percent styles."""

    lengths: array = field(default_factory=lambda: array("i"))
    has_sst: bool = False
    percent_styles: frozenset[str] = frozenset()


class _Deferred(Exception):
    """A worksheet met in the first pass: scanned after the shared strings."""


def _other_part(file: str, path: str, chunks, shared: _Shared, totals: _Totals) -> None:
    """Parse a part that is not a worksheet; what its root element is decides what is kept."""
    parser = _parser(file)
    names: dict[str, str] = {}
    cap: list[int | None] = [None]
    finish: list[Callable[[], None]] = []

    # fastexcel reads the shared strings and styles by these names, whatever their root.
    known = path.lower()

    def root(name, attrs):
        local = _local(names, name)
        if local == "worksheet" and known != _SHARED_STRINGS:
            raise _Deferred
        if local in _BOOKKEEPING or known in (_STYLES, _CONTENT_TYPES) \
                or known.endswith(".rels"):
            cap[0] = limits.MAX_PART_BYTES
        if local == "sst" or known == _SHARED_STRINGS:
            if shared.has_sst:
                raise Damaged("two shared-string tables")
            shared.has_sst = True
            start, chars, done = _sst_handlers(file, shared, totals)
            parser.StartElementHandler, parser.CharacterDataHandler = start, chars
            finish.append(done)
            start(name, attrs)
        elif known == _STYLES:
            parser.StartElementHandler, done = _styles_handler(shared)
            finish.append(done)
        else:
            parser.StartElementHandler = None  # expat alone: well-formed, no DOCTYPE

    parser.StartElementHandler = root
    _feed(file, path, parser, chunks, lambda: cap[0])
    for done in finish:
        done()


def _sst_handlers(file: str, shared: _Shared, totals: _Totals):
    """Shared-string table: the length of every text, each bounded like a cell."""
    lengths = shared.lengths
    names: dict[str, str] = {}
    chars = elements = 0
    is_open = False

    def start(name, attrs):
        nonlocal chars, elements, is_open
        if _local(names, name) == "si":
            if is_open:
                lengths.append(chars)
            if len(lengths) >= limits.MAX_SHARED_STRINGS:
                raise Refused(limits.shared_strings(file))
            chars, elements, is_open = 0, 0, True
            return
        elements += 1
        if elements > limits.MAX_CELL_ELEMENTS:
            raise Refused(limits.cell_elements("", ""))

    def text_data(data):
        nonlocal chars
        chars += len(data)
        totals.text += len(data)
        if chars > limits.MAX_CELL_CHARS:
            raise Refused(limits.cell_chars("", ""))
        if totals.text > limits.MAX_TEXT_CHARS:
            raise Refused(limits.text_chars(file))

    def done():
        if is_open:
            lengths.append(chars)

    return start, text_data, done


def _styles_handler(shared: _Shared):
    """Stylesheet: which cell styles show numbers as percent (as openpyxl decides it)."""
    names: dict[str, str] = {}
    custom: dict[int, str] = {}
    xfs: list[int] = []
    section = [""]

    def start(name, attrs):
        local = _local(names, name)
        if local == "numFmt":
            custom[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif local in ("cellXfs", "cellStyleXfs", "dxfs", "cellStyles"):
            section[0] = local
        elif local == "xf" and section[0] == "cellXfs":
            xfs.append(_int(attrs.get("numFmtId")))

    def done():
        shared.percent_styles = frozenset(
            str(i) for i, fmt in enumerate(xfs)
            if "%" in custom.get(fmt, BUILTIN_FORMATS.get(fmt, "General")))

    return start, done


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return -1


# --- worksheets -----------------------------------------------------------------------------

def _scan_sheet(file: str, sheet: str, chunks, shared: _Shared, totals: _Totals) -> SheetScan:
    """Rows, columns, text and elements per cell bounded; merges, formulas, percents kept.

    A cell's position is its `r` attribute or, without one, the next column (rows likewise),
    as fastexcel counts them. Only cells with a value count towards the rows and columns
    laid out: fastexcel skips empty styled cells. The handler runs for each of the millions
    of elements of a big sheet, so the common case (an unprefixed <c> or <v>, a cell on its
    row's line) comes first and does little.
    """
    out = SheetScan()
    parser = _parser(file)
    names: dict[str, str] = {}
    lengths, percent_styles = shared.lengths, shared.percent_styles
    max_chars, max_text = limits.MAX_CELL_CHARS, limits.MAX_TEXT_CHARS
    cells_before = totals.cells
    text = totals.text
    max_row = max_col = 0
    row, row_text = 0, "0"
    ref: str | None = None  # the open cell's r attribute, until resolved into pos
    pos = (0, -1)  # (row, 0-based column) of the open cell, or of the row's start
    in_cell = pending = False  # pending: the open cell has a formula or a percent value
    elements = chars = 0
    mode = 0  # 1: inside <v>, 2: inside <is>, 0: elsewhere
    shared_ref = percent = has_formula = False
    collected = ""

    def resolve() -> tuple[int, int]:
        nonlocal ref, pos
        if ref is not None:
            m = _REF.fullmatch(ref)
            if m is None:
                raise Damaged(f"cell reference {ref!r}")
            col = _COLUMNS.get(m[1])
            pos, ref = (int(m[2]), column_index(m[1]) if col is None else col), None
        return pos

    def close_cell():
        nonlocal has_formula, collected, pending
        if has_formula:
            r, c = resolve()
            out.formulas.append((column_letter(c), r, chars > 0))
        if collected:
            out.percents[resolve()] = collected.strip()
        has_formula, collected, pending = False, "", False

    def grow(r: int, c: int) -> None:
        nonlocal max_row, max_col
        if r > limits.MAX_ROWS:
            raise Refused(limits.rows(sheet, r), sheet)
        if c >= limits.MAX_COLUMNS:
            raise Refused(limits.columns(sheet, column_letter(c)), sheet)
        max_row, max_col = max(max_row, r), max(max_col, c + 1)
        if cells_before + max_row * max_col > limits.MAX_CELLS:
            raise Refused(limits.cells(sheet, cells_before + max_row * max_col), sheet)

    def start(name, attrs):
        nonlocal ref, pos, in_cell, elements, chars, mode, shared_ref, percent, pending
        nonlocal has_formula, row, row_text
        if name == "c":
            if pending:
                close_cell()
            r = attrs.get("r")
            if r is None:  # the column after the previous cell's
                pos = (row, resolve()[1] + 1)
            ref = r
            kind = attrs.get("t")
            shared_ref = kind == "s"
            if percent_styles:
                percent = ((kind is None or kind == "n")
                           and attrs.get("s", "0") in percent_styles)
                pending = percent
            in_cell, elements, chars, mode = True, 0, 0, 0
        elif name == "v" or name == "is":  # a value: the cell counts
            if not in_cell:
                return
            mode = 1 if name == "v" else 2
            if ref is not None:  # fast path: "B7" on row 7, a column within the limit
                letters = ref.rstrip("0123456789")
                col = _COLUMNS.get(letters)
                if col is not None and ref[len(letters):] == row_text:
                    if row > max_row or col >= max_col:
                        grow(row, col)
                    return
            r, c = resolve()
            if r > max_row or c >= max_col:
                grow(r, c)
        elif name == "t" and in_cell:  # the text of an inline string
            elements += 1
            if elements > limits.MAX_CELL_ELEMENTS:
                r, c = resolve()
                raise Refused(limits.cell_elements(sheet, f"{column_letter(c)}{r}"), sheet)
        elif ":" in name:  # a prefixed name (x:c): the same, by its local name
            start(names.get(name) or _local(names, name), attrs)
        elif name == "row":
            if pending:
                close_cell()
            r = attrs.get("r")
            row = int(r) if r is not None and r.isdigit() else row + 1
            row_text = str(row) if r is None else r
            pos, ref, in_cell, mode = (row, -1), None, False, 0
        elif in_cell:
            if name in _AFTER_CELLS:  # past <sheetData>: the last cell is closed
                close_cell()
                in_cell, mode = False, 0
                return
            elements += 1
            if elements > limits.MAX_CELL_ELEMENTS:
                r, c = resolve()
                raise Refused(limits.cell_elements(sheet, f"{column_letter(c)}{r}"), sheet)
            if name == "f":
                has_formula = pending = True
        elif name == "mergeCell":
            if len(out.merges) >= limits.MAX_MERGED:
                raise Refused(limits.merged(sheet), sheet)
            m = _MERGE.fullmatch(attrs.get("ref", ""))
            if m is not None:
                out.merges.append((m[1], int(m[2]), m[0]))

    def text_data(data):
        nonlocal chars, text, collected
        if mode:
            n = len(data)
            chars += n
            text += n
            if mode == 1:
                if shared_ref:
                    # buffer_text hands over a <v>'s text whole: the index of a shared text
                    try:
                        text += lengths[int(data)]
                    except (ValueError, IndexError):
                        pass  # fastexcel reports it as unreadable
                elif percent:
                    collected += data
            if chars > max_chars:
                r, c = resolve()
                raise Refused(limits.cell_chars(sheet, f"{column_letter(c)}{r}"), sheet)
            if text > max_text:
                raise Refused(limits.text_chars(file))

    parser.StartElementHandler = start
    parser.CharacterDataHandler = text_data
    _feed(file, sheet, parser, chunks)
    close_cell()
    totals.cells = cells_before + max_row * max_col
    totals.text = text
    return out


# --- the whole workbook ---------------------------------------------------------------------

def scan(file: str, data: bytes) -> WorkbookScan:
    """Check the workbook against `loaders.limits` and collect what fastexcel does not show.

    Raises `Refused` (a limit, with the Swedish message) or `Damaged` (not a readable xlsx).
    """
    parts = _entries(file, data)
    for path in (_WORKBOOK_RELS, _WORKBOOK):
        if path not in parts:
            raise Damaged(f"no {path}")
        _check_ratio(file, parts[path], path)
    rels = _relationships(file, _parser(file), _unpacked(data, parts[_WORKBOOK_RELS]))
    order = _workbook_sheets(file, _parser(file), _unpacked(data, parts[_WORKBOOK]))
    lower = {p.lower(): p for p in parts}
    targets = {name: _targets(rels.get(rid, ("", ""))[0], lower) for name, rid in order}
    sheet_of: dict[str, str] = {}
    for name, paths in targets.items():
        for path in paths:
            sheet_of.setdefault(path, name)
    for path, info in parts.items():
        _check_ratio(file, info, f"bladet {sheet_of[path]}" if path in sheet_of else path)

    shared, totals = _Shared(), _Totals()
    worksheets = list(sheet_of)
    for path in parts:
        if path in (_WORKBOOK, _WORKBOOK_RELS) or not (
                path.lower().endswith((".xml", ".rels")) or path in sheet_of):
            continue
        try:
            _other_part(file, path, _unpacked(data, parts[path]), shared, totals)
        except _Deferred:  # a worksheet: after the shared strings, and even if no sheet
            if path not in sheet_of:  # points at it (a reader may find it another way)
                worksheets.append(path)
    scans = {path: _scan_sheet(file, sheet_of.get(path, path), _unpacked(data, parts[path]),
                               shared, totals) for path in worksheets}
    return WorkbookScan({name: scans[paths[0]] if paths else SheetScan()
                         for name, paths in targets.items()})
