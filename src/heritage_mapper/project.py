"""The project file (``project.json``): titles, languages, region, layers, categories.

The file is validated against ``project.schema.json`` by the validator before
:func:`read_project` builds these dataclasses from it, so this module trusts shape
but never names a particular province: another region is another folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from heritage_mapper.errors import GeodataReadError

__all__ = ["PROJECT_FILE", "Project", "LayerSpec", "Category", "Region", "read_project"]

PROJECT_FILE = "project.json"
DEFAULT_SCHEMAS = {
    "project": "project.schema.json",
    "site": "site.schema.json",
    "event": "event.schema.json",
    "sources": "sources.schema.json",
}


@dataclass(frozen=True)
class LayerSpec:
    id: str
    file: str
    title: dict[str, str]
    color: str


@dataclass(frozen=True)
class Category:
    id: str
    label: dict[str, str]


@dataclass(frozen=True)
class RegionException:
    name: dict[str, str]
    bbox: tuple[float, float, float, float]


@dataclass(frozen=True)
class Region:
    bbox: tuple[float, float, float, float]
    margin_deg: float = 0.0
    name: dict[str, str] = field(default_factory=dict)
    exceptions: tuple[RegionException, ...] = ()

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a position lies in the box plus margin, or in a named exception."""
        w, s, e, n = self.bbox
        m = self.margin_deg
        if w - m <= lon <= e + m and s - m <= lat <= n + m:
            return True
        return any(_in_box(ex.bbox, lon, lat) for ex in self.exceptions)


def _in_box(bbox, lon, lat) -> bool:
    w, s, e, n = bbox
    return w <= lon <= e and s <= lat <= n


@dataclass(frozen=True)
class Project:
    """A parsed project file; relative paths are resolved against ``root``."""

    root: Path
    title: dict[str, str]
    languages: tuple[str, ...]
    default_language: str
    region: Region
    layers: tuple[LayerSpec, ...]
    categories: tuple[Category, ...]
    events: str
    sources: str
    sources_dir: str | None = None
    description: dict[str, str] = field(default_factory=dict)
    schemas: dict[str, str] = field(default_factory=dict)

    def path(self, relative: str) -> Path:
        return self.root / relative

    @property
    def events_path(self) -> Path:
        return self.path(self.events)

    @property
    def sources_path(self) -> Path:
        return self.path(self.sources)

    @property
    def sources_dir_path(self) -> Path | None:
        return self.path(self.sources_dir) if self.sources_dir else None

    def schema_path(self, kind: str) -> Path:
        """The JSON Schema for ``kind``: the folder's own, else the packaged default."""
        if kind in self.schemas:
            return self.path(self.schemas[kind])
        return packaged_schema_path(kind)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)


def packaged_schema_path(kind: str) -> Path:
    from importlib.resources import files

    return Path(str(files("heritage_mapper") / "schemas" / DEFAULT_SCHEMAS[kind]))


def project_from_dict(root: Path, doc: dict) -> Project:
    """Build a :class:`Project` from an already-validated project document."""
    region = doc["region"]
    return Project(
        root=root,
        title=dict(doc["title"]),
        description=dict(doc.get("description", {})),
        languages=tuple(doc["languages"]),
        default_language=doc["default_language"],
        region=Region(
            bbox=tuple(region["bbox"]),
            margin_deg=float(region.get("margin_deg", 0.0)),
            name=dict(region.get("name", {})),
            exceptions=tuple(
                RegionException(dict(ex["name"]), tuple(ex["bbox"]))
                for ex in region.get("exceptions", [])
            ),
        ),
        layers=tuple(
            LayerSpec(spec["id"], spec["file"], dict(spec["title"]), spec["color"])
            for spec in doc["layers"]
        ),
        categories=tuple(Category(c["id"], dict(c["label"])) for c in doc["categories"]),
        events=doc["events"],
        sources=doc["sources"],
        sources_dir=doc.get("sources_dir"),
        schemas=dict(doc.get("schemas", {})),
    )


def read_project(geodata_dir: str | Path) -> Project:
    """Read ``project.json`` from a geodata folder without validating it.

    Use :func:`heritage_mapper.validate.validate_geodata` for located findings; this
    raises :class:`~heritage_mapper.errors.GeodataReadError` when the file is missing
    or unreadable.
    """
    root = Path(geodata_dir)
    path = root / PROJECT_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return project_from_dict(root, doc)
    except FileNotFoundError as exc:
        raise GeodataReadError(
            f"{path}: no project file; a geodata folder needs {PROJECT_FILE} "
            "(see README, 'The data model')"
        ) from exc
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GeodataReadError(
            f"{path}: cannot read the project file ({exc}); run 'heritage-mapper validate' "
            "for the exact place"
        ) from exc
