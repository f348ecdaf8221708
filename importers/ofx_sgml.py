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
        if self.index is None:  # built once: a transaction is read with ~15 lookups
            self.index = {}
            for node in self.iter():
                self.index.setdefault(node.tag, node)
        return self.index.get(tag)

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
        node: Node | None = self
        for tag in path:
            node = node.find(tag) if node is not None else None
        return node.text if node is not None else None


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
    root = Node("#ROOT", 0)
    stack = [root]
    position = start
    for match in _TOKEN.finditer(text, start):
        line += text.count("\n", position, match.start())
        _text(stack, text[position : match.start()])
        position = match.end()
        if match["cdata"] is not None:
            stack[-1].text = (stack[-1].text or "") + match["cdata"].strip()
        elif match["tag"]:
            _tag(stack, match["tag"].upper(), bool(match["close"]), line)
        line += text.count("\n", match.start(), match.end())
    return root


def _text(stack: list[Node], chunk: str) -> None:
    value = chunk.strip()
    if value and len(stack) > 1:
        top = stack[-1]
        top.text = (top.text or "") + html.unescape(value)


def _tag(stack: list[Node], tag: str, closing: bool, line: int) -> None:
    top = stack[-1]
    if len(stack) > 1 and top.text is not None and not top.children:
        stack.pop()  # an SGML leaf closes at the next tag
    if closing:
        names = [n.tag for n in stack]
        if tag in names[1:]:
            del stack[len(names) - names[::-1].index(tag) - 1 :]
        return
    node = Node(tag, line)
    stack[-1].children.append(node)
    stack.append(node)


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
