"""An element's texts by relative local-name path, in one walk (layer 2 of the camt reader).

lxml hands out a new proxy per element, builds the namespaced tag text on every ``.tag`` and
runs ElementPath in Python for every ``find``: a camt entry read field by field cost more than
parsing it. :class:`Flat` reads every element below one element once into plain dicts
(``BookgDt/Dt`` -> text and element); the walk's local names and paths come from small bounded
caches keyed by the namespaced tag, so every camt version, with or without namespace, reads
alike. Nothing here parses bytes or guards input: that is :mod:`importers.xmlsafe`.
"""

from __future__ import annotations

from lxml import etree

__all__ = ["Flat", "local_name"]


class Flat:
    """The texts and elements below one element, by relative local-name path, in one pass.

    ``texts`` maps each path (``BookgDt/Dt``) to the stripped text of its first element
    in document order (None when blank), ``nodes`` to that element; direct children named
    ``skip`` are left out with everything below them and listed in ``skipped`` (a camt
    entry's details are flattened on their own). Reading a camt entry's ~40 fields is then
    plain dict lookups of strings: no element proxy, ``find`` or strip per field.
    """

    __slots__ = ("element", "nodes", "skipped", "texts")

    def __init__(self, element: etree._Element, skip: str = "") -> None:
        self.element = element
        self.texts: dict[str, str | None] = {}
        self.nodes: dict[str, etree._Element] = {}
        self.skipped: list[etree._Element] = []
        texts, nodes = self.texts, self.nodes
        paths = _child_paths("")
        for sub in element:
            tag = sub.tag
            name = paths.get(tag)
            if name is None:
                name = _child_path(paths, "", tag)
            if not name:
                continue
            if name == skip:
                self.skipped.append(sub)
                continue
            if name not in nodes:
                nodes[name] = sub
                value = sub.text
                texts[name] = (value.strip() or None) if value else None
            if len(sub):
                _walk(sub, name + "/", texts, nodes)


_LOCAL: dict[object, str] = {}  # tag (with namespace) -> local name; a camt file has ~100


def local_name(tag: object) -> str:
    """The local name of a tag, "" for a comment or processing instruction (cached)."""
    return _LOCAL.get(tag) or _local_name(tag)


def _local_name(tag: object) -> str:
    if not isinstance(tag, str):
        return ""  # comments / processing instructions
    name = tag[tag.index("}") + 1 :] if tag[:1] == "{" else tag
    if len(_LOCAL) < 4096:
        _LOCAL[tag] = name
    return name


# prefix ("RltdPties/Dbtr/") -> namespaced tag -> full path ("" for comments): one dict read
# per element instead of a local-name lookup and a string concatenation. Bounded, so a hostile
# file of endless distinct tags only stops being cached.
_PATHS: dict[str, dict[object, str]] = {}


def _child_paths(prefix: str) -> dict[object, str]:
    found = _PATHS.get(prefix)
    if found is None:
        found = {}
        if len(_PATHS) < 1024:
            _PATHS[prefix] = found
    return found


def _child_path(paths: dict[object, str], prefix: str, tag: object) -> str:
    name = _LOCAL.get(tag) or _local_name(tag)
    path = prefix + name if name else ""
    if len(paths) < 64:
        paths[tag] = path
    return path


def _walk(node: etree._Element, prefix: str, texts: dict[str, str | None],
          nodes: dict[str, etree._Element]) -> None:
    # depth-first in document order, so the first element of each path wins. Tags are
    # not renamed (setting ``.tag`` costs more than the whole walk).
    paths = _PATHS.get(prefix) or _child_paths(prefix)
    for sub in node:
        tag = sub.tag
        path = paths.get(tag)
        if path is None:
            path = _child_path(paths, prefix, tag)
        if not path:
            continue
        if path not in nodes:
            nodes[path] = sub
            value = sub.text
            texts[path] = (value.strip() or None) if value else None
        if len(sub):
            _walk(sub, path + "/", texts, nodes)
