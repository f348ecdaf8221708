"""OFX pre-processing (layers 1-2: bytes -> decoded text -> element tree -> clean text).

Decodes the bytes ourselves (BOM, strict UTF-8, the declared charset, cp1252: headers
lie), strips leading blank lines and the v1 colon header or v2 ``<?xml?>``/``<?OFX?>``
instructions, then tokenises the body once (linear time) into a small element tree:
unclosed SGML leaves are closed, a missing aggregate close tag is repaired by the next
enclosing close tag, comments are dropped and CDATA unwrapped. :func:`to_sgml` writes the
tree back with every tag closed, dates cut to the bank's local date-time (no UTC shift)
and empty FITIDs marked, so ``ofxparse`` neither goes quadratic nor mis-reads it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from importers.decoding import Decoded, decode, normalise_charset

_TOKEN = re.compile(
    r"<!--.*?-->|<!\[CDATA\[(?P<cdata>.*?)\]\]>|<\?.*?\?>|<(?P<close>/?)(?P<tag>[A-Za-z0-9_.]+)"
    r"(?:\s[^>]*)?>",
    re.DOTALL,
)
_HEADER_LINE = re.compile(r"^\s*([A-Z]+)\s*:\s*(.*?)\s*$")
_CHARSET = re.compile(r"CHARSET\s*:\s*(\S+)|encoding=\"([^\"]+)\"", re.IGNORECASE)
EMPTY_FITID = "\u2400EMPTY"
DATE_TAGS = {"DTPOSTED", "DTUSER", "DTAVAIL", "DTSTART", "DTEND", "DTASOF", "DTSERVER"}


@dataclass(slots=True)
class Node:
    """An OFX element: upper-case tag, leaf text, children, source line."""

    tag: str
    line: int
    text: str | None = None
    children: list[Node] = field(default_factory=list)
    index: dict[str, Node] | None = field(default=None, repr=False, compare=False)

    def find(self, tag: str) -> Node | None:
        """First descendant with ``tag`` (depth-first, document order)."""
        index = self.index
        if index is None:  # built once: a transaction is read with ~15 lookups
            index = self.index = {}
            _index_into(self, index)
        return index.get(tag)

    def texts(self) -> dict[str, str | None]:
        """Text of the first descendant of each tag (what :meth:`value` gives for one tag)."""
        self.find("")
        assert self.index is not None
        return {tag: node.text for tag, node in self.index.items()}

    def iter(self, *tags: str, skip: frozenset[str] = frozenset()) -> Iterator[Node]:
        """Descendants (not self) with one of ``tags``, document order; all when none.

        The subtrees of ``skip`` tags are not entered (a search for statement or status
        aggregates need not visit every transaction field of a large file).
        """
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            if not tags or node.tag in tags:
                yield node
            if node.children and node.tag not in skip:
                stack.extend(reversed(node.children))

    def value(self, *path: str) -> str | None:
        """Text of the first descendant matching the last tag of ``path`` under the others."""
        if len(path) == 1:
            found = self.find(path[0])
            return found.text if found is not None else None
        node: Node | None = self
        for tag in path:
            node = node.find(tag) if node is not None else None
        return node.text if node is not None else None


def _index_into(node: Node, index: dict[str, Node]) -> None:
    """First descendant per tag, depth-first in document order (as :meth:`Node.iter`)."""
    for child in node.children:
        if child.tag not in index:
            index[child.tag] = child
        if child.children:
            _index_into(child, index)


@dataclass(frozen=True, slots=True)
class OfxDocument:
    """Decoded header, the tree under a synthetic root, encoding and body start line."""

    header: dict[str, str]
    root: Node
    encoding: str


def decode_ofx(data: bytes, file: str) -> Decoded:
    """Decode: BOM, strict UTF-8, the declared charset, cp1252."""
    match = _CHARSET.search(data[:2048].decode("ascii", "replace"))
    declared = normalise_charset(next((g for g in match.groups() if g), None)) if match else None
    return decode(data, file=file, fallbacks=(declared, "cp1252"))


def read(data: bytes, file: str) -> OfxDocument:
    """Decode and tokenise an OFX file of either version."""
    decoded = decode_ofx(data, file)
    text = decoded.text.lstrip("\ufeff")
    start = text.find("<")
    header = {}
    for line in text[: max(start, 0)].splitlines():
        if m := _HEADER_LINE.match(line):
            header[m[1]] = m[2]
    offset_lines = text[: max(start, 0)].count("\n")
    return OfxDocument(header, _tree(text, max(start, 0), offset_lines + 1), decoded.encoding)


def _tree(text: str, start: int, line: int) -> Node:
    # one loop, nothing called per token but the regex and str methods (~8 tokens a
    # transaction): lines are counted only up to opening tags, the only ones that keep one
    root = Node("#ROOT", 0)
    stack = [root]
    top = root
    position = counted = start
    unescape = html.unescape
    for match in _TOKEN.finditer(text, start):
        begin = match.start()
        if begin > position:  # the text before the token belongs to the open element
            value = text[position:begin].strip()
            if value and len(stack) > 1:
                value = unescape(value)
                top.text = value if top.text is None else top.text + value
        position = match.end()
        tag = match["tag"]
        if tag is None:
            cdata = match["cdata"]
            if cdata is not None:
                top.text = (top.text or "") + cdata.strip()
            continue
        tag = tag.upper()
        if len(stack) > 1 and top.text is not None and not top.children:
            stack.pop()  # an SGML leaf closes at the next tag
        if match["close"]:
            for at in range(len(stack) - 1, 0, -1):  # the innermost open element of that tag
                if stack[at].tag == tag:
                    del stack[at:]
                    break
        else:
            line += text.count("\n", counted, begin)
            counted = begin
            node = Node(tag, line)
            stack[-1].children.append(node)
            stack.append(node)
        top = stack[-1]
    return root


def local_date(value: str | None) -> str | None:
    """``20240323000000[-3:GMT]`` -> ``20240323000000``: the bank's own date-time."""
    if value is None:
        return None
    return value.partition("[")[0].split(".")[0].split(":")[0].strip() or None


def to_sgml(root: Node) -> str:
    """OFX 1 text with every element closed, local dates and marked empty FITIDs."""
    out = ["OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nENCODING:UNICODE\nCHARSET:NONE\n\n"]
    stack: list[tuple[Node, bool]] = [(child, False) for child in reversed(root.children)]
    while stack:
        node, done = stack.pop()
        if not node.children and not node.text and node.tag != "FITID":
            continue  # ofxparse refuses empty optional leaves ("Empty transaction name")
        if done:
            out.append(f"</{node.tag}>\n")
            continue
        out.append(f"<{node.tag}>{_leaf_text(node)}")
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.children))
    return "".join(out)


def _leaf_text(node: Node) -> str:
    if node.children:
        return "\n"
    text = node.text
    if node.tag in DATE_TAGS:
        text = local_date(text)
    if node.tag == "FITID" and not text:
        text = EMPTY_FITID
    return html.escape(text or "", quote=False)
