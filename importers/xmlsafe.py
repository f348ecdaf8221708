"""Hardened XML reading for camt (layer 2: bytes -> element events).

lxml with entity resolution, DTD loading and network access off and ``huge_tree`` off;
any DOCTYPE or ENTITY declaration is refused (a bank statement never needs one), twice: up
front by walking the prolog (XML declaration, comments, processing instructions, whitespace:
a ``<a>`` inside a comment is not the root element), which stops XXE and billion-laughs before
the parser sees them, and again from the parsed document's own DOCTYPE node at its first
element, which also catches what a byte scan cannot read (a UTF-16 file). Elements are
matched by local name so every camt version, with or without namespace, reads alike.
Raises :class:`~importers.errors.HostileInput` or :class:`~importers.errors.BadRecord`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from functools import lru_cache

from lxml import etree

from importers.errors import BadRecord, HostileInput

_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def refuse_dtd(data: bytes, file: str) -> None:
    """Refuse documents declaring a DTD or entities (XXE, entity expansion)."""
    at = _prolog_end(data)
    if _DTD.match(data, at):
        raise _hostile(file, data[:at].count(b"\n") + 1)


def _hostile(file: str, line: int | None) -> HostileInput:
    return HostileInput(
        "XML with a DOCTYPE/ENTITY declaration is refused (external entities and entity "
        "expansion are not allowed in statements)", file=file, line=line, field="DOCTYPE")


_SKIP = ((b"<?", b"?>"), (b"<!--", b"-->"))


def _prolog_end(data: bytes) -> int:
    """Offset of the first markup after the prolog's declaration, comments and PIs (the root
    element or a DOCTYPE); an unclosed comment or PI ends the scan (lxml refuses the file)."""
    at, end = (3 if data.startswith(b"\xef\xbb\xbf") else 0), len(data)
    while at < end:
        while at < end and data[at] in b" \t\r\n":
            at += 1
        for opening, closing in _SKIP:
            if data.startswith(opening, at):
                found = data.find(closing, at + len(opening))
                if found < 0:
                    return end
                at = found + len(closing)
                break
        else:
            return at
    return at


def iter_end_events(data: bytes, file: str, tags: tuple[str, ...]
                    ) -> Iterator[etree._Element]:
    """Yield each element named in ``tags`` at its end tag (:func:`namespace` gives its URI).

    Only those elements reach Python (lxml filters the rest in C, any namespace). Lookups
    inside (:func:`child`, :func:`text`, :class:`~importers.xmlflat.Flat`) go by local name.
    Every dangerous parser feature is off.
    """
    refuse_dtd(data, file)
    events = etree.iterparse(
        io.BytesIO(data),
        events=("end",),
        tag=[f"{{*}}{t}" for t in tags],
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    checked = False
    try:
        for _event, element in events:
            if not checked:  # the parsed DOCTYPE node, whatever the encoding hid from the scan
                info = element.getroottree().docinfo
                if info.internalDTD is not None or info.doctype:
                    raise _hostile(file, None)
                checked = True
            yield element
    except etree.XMLSyntaxError as exc:
        raise BadRecord(
            f"not well-formed XML: {exc.msg}", file=file, line=exc.lineno, field="xml"
        ) from exc


def strip_namespaces(element: etree._Element) -> None:
    """Drop the namespace from every tag below and at ``element`` (lookups by local name)."""
    for node in element.iter():
        tag = node.tag
        if isinstance(tag, str) and tag.startswith("{"):
            node.tag = tag.rpartition("}")[2]


def namespace(element: etree._Element) -> str:
    """The namespace URI of an element, "" without one."""
    tag = element.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def local(element: etree._Element) -> str:
    """The local name of an element (namespace dropped)."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def child(element: etree._Element | None, *path: str) -> etree._Element | None:
    """Follow local names down from ``element``; None when any step is missing."""
    if element is None:
        return None
    return element.find(_any_namespace(path[0] if len(path) == 1 else "/".join(path)))


@lru_cache(maxsize=512)
def _any_namespace(key: str) -> str:
    """``A/B`` -> ``{*}A/{*}B``: matches with or without a namespace (tags are not renamed)."""
    return "/".join("{*}" + step for step in key.split("/"))


def children(element: etree._Element | None, name: str) -> list[etree._Element]:
    """Direct children with local name ``name``, any namespace (lxml matches the tag in C:
    ``findall`` goes through ElementPath, a Python loop makes a proxy per child)."""
    if element is None:
        return []
    return list(element.iterchildren("{*}" + name))


def text(element: etree._Element | None, *path: str) -> str | None:
    """Stripped text at ``path`` below ``element``; None when missing or blank."""
    if element is None:
        return None
    if path:
        element = element.find(_any_namespace(path[0] if len(path) == 1 else "/".join(path)))
        if element is None:
            return None
    value = element.text
    if value is None:
        return None
    value = value.strip()
    return value or None


def path_of(element: etree._Element, stop: str = "Document") -> str:
    """A readable XML path like ``Stmt[1]/Ntry[3]/Amt`` for error messages."""
    parts: list[str] = []
    node: etree._Element | None = element
    while node is not None and local(node) != stop:
        parent = node.getparent()
        name = local(node)
        if parent is not None:
            same = [c for c in parent if local(c) == name]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/".join(reversed(parts))
