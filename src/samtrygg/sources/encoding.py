"""Text files in the encodings Swedish partners' programs write: detect, decode, name.

Excel on a Swedish Windows saves "CSV (semikolonavgränsad)" as Windows-1252, "CSV UTF-8" as UTF-8
with a byte-order mark, and "Unicode-text" as UTF-16; older systems export DOS (CP850) or Mac
Roman text. UTF-8 is tried first, because valid UTF-8 with Å, Ä or Ö is almost never another
encoding by chance; otherwise the maintained detector charset-normalizer chooses among the
Western encodings above, so a short file is not taken for Central European or Cyrillic text.
"""

from __future__ import annotations

from dataclasses import dataclass

from charset_normalizer import from_bytes

from samtrygg.sources.errors import RowError, SourceError, gettext_noop

__all__ = ["DecodedText", "decode_text"]

# The detector's codec names, most likely first; ties go to the earlier one.
_CANDIDATES = ("utf_16", "cp1252", "iso8859_15", "cp850", "mac_roman")
_LABELS = {
    "utf_8": "UTF-8",
    "utf_8_sig": "UTF-8 (with BOM)",
    "utf_16": "UTF-16",
    "cp1252": "Windows-1252",
    "iso8859_15": "ISO-8859-15",
    "cp850": "DOS (CP850)",
    "mac_roman": "Mac Roman",
}
_BOMS = ((b"\xef\xbb\xbf", "utf_8_sig"), (b"\xff\xfe", "utf_16"), (b"\xfe\xff", "utf_16"))


@dataclass(frozen=True)
class DecodedText:
    """A file's text and the encoding it was read in.

    Attributes
    ----------
    text : str
        The decoded text, without a byte-order mark.
    encoding : str
        Python's codec name (``utf_8``, ``utf_8_sig``, ``cp1252`` …).
    label : str
        The encoding as a person names it (``UTF-8``, ``Windows-1252`` …), for summaries.
    detected : bool
        False when the file was valid UTF-8 or carried a byte-order mark; True when the
        detector chose the encoding.
    """

    text: str
    encoding: str
    label: str
    detected: bool


def _refuse(data: bytes, position: int) -> SourceError:
    line = data.count(b"\n", 0, position) + 1
    message = gettext_noop(
        "The file's encoding could not be recognised (this row has a character that is neither "
        "UTF-8 nor Windows-1252). Save it as UTF-8 ('CSV UTF-8' in Excel) and try again."
    )
    return SourceError(
        [RowError(line, None, message)],
        summary=f"The file's encoding could not be recognised (first at row {line}); save it "
        "as UTF-8 ('CSV UTF-8' in Excel) and try again.",
    )


def decode_text(data: bytes) -> DecodedText:
    """Decode a text file: UTF-8 (with or without BOM) when valid, else the detected encoding.

    Parameters
    ----------
    data : bytes
        The file's content.

    Returns
    -------
    DecodedText
        The text and the encoding used.

    Raises
    ------
    SourceError
        When no candidate encoding decodes the whole file; the error names the row of the first
        byte that UTF-8 cannot read.

    Notes
    -----
    1. A byte-order mark decides (UTF-8 or UTF-16).
    2. Strict UTF-8 decoding; it succeeds for every pure-ASCII file too.
    3. charset-normalizer's best match among Windows-1252, ISO-8859-15, CP850, Mac Roman and
       UTF-16, confirmed by a strict decoding of the whole file.

    Examples
    --------
    >>> decode_text("Plats\\nBregården\\n".encode("cp1252")).label
    'Windows-1252'
    >>> decode_text("Plats\\nBregården\\n".encode("utf-8")).label
    'UTF-8'
    >>> decode_text("\\ufeffPlats\\nÖster\\n".encode("utf-8")).text
    'Plats\\nÖster\\n'
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _refuse(data, exc.start) from None
            return DecodedText(text.lstrip("\ufeff"), codec, _LABELS[codec], detected=False)
    try:
        return DecodedText(data.decode("utf-8"), "utf_8", _LABELS["utf_8"], detected=False)
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    best = from_bytes(data, cp_isolation=list(_CANDIDATES)).best()
    if best is None or best.encoding not in _LABELS:
        raise _refuse(data, first_bad)
    try:
        text = data.decode(best.encoding)
    except UnicodeDecodeError:
        raise _refuse(data, first_bad) from None
    return DecodedText(text, best.encoding, _LABELS[best.encoding], detected=True)
