"""Rules of the basemap files (``project.json``, ``basemap``): each a valid RFC 7946
FeatureCollection of the geometry its role draws, boundary lines with a known kind,
places with a label, an attribution in every project language, and a size a page
can carry."""

from __future__ import annotations

from pathlib import Path

from heritage_mapper.model import (
    BASEMAP_GEOMETRY_TYPES,
    BOUNDARY_KINDS,
    PROJECT_FILE,
    BasemapLayer,
    Project,
    place_label,
)
from heritage_mapper.validate.context import Context, add_lines, inside, read_feature_collection

#: A basemap file larger than this makes every page heavier than a phone should load
#: (each page embeds the whole basemap): a warning, not an error.
BASEMAP_WARN_BYTES = 2 * 1024 * 1024
#: Findings of one kind reported per file before the rest are counted in one line.
MAX_FINDINGS_PER_KIND = 5


def check_basemap(ctx: Context, project: Project, max_bytes: int | None) -> None:
    """Check every basemap layer declared in ``project.json`` (none is fine)."""
    seen: set[str] = set()
    for index, layer in enumerate(project.basemap):
        if layer.id in seen:
            ctx.problem(
                "basemap-layer-id-duplicate",
                project.root / PROJECT_FILE,
                f"basemap layer id {layer.id!r} is declared twice",
                hint="give each basemap layer its own id",
                pointer=f"/basemap/layers/{index}/id",
            )
        seen.add(layer.id)
        _check_attribution(ctx, project, index, layer)
        _check_file(ctx, project, index, layer, max_bytes)
    provenance = project.basemap_provenance
    if provenance and inside(ctx, provenance, "/basemap/provenance") is None:
        return
    if provenance and not project.path(provenance).is_file():
        ctx.problem(
            "basemap-provenance-missing",
            project.root / PROJECT_FILE,
            f"basemap.provenance names {provenance!r}, which does not exist",
            hint="keep the files' origin, licence and date beside them, and name that file",
            pointer="/basemap/provenance",
        )


def _check_attribution(ctx: Context, project: Project, index: int, layer: BasemapLayer) -> None:
    missing = [lang for lang in project.languages if not layer.attribution.get(lang, "").strip()]
    if missing:
        ctx.problem(
            "basemap-attribution-missing",
            project.root / PROJECT_FILE,
            f"basemap layer {layer.id!r} has no attribution in {', '.join(missing)}; its "
            f"licence ({layer.licence}) asks for one wherever the data is shown",
            hint="write the attribution the data's provenance gives, in every project language",
            pointer=f"/basemap/layers/{index}/attribution",
        )


def _check_file(
    ctx: Context, project: Project, index: int, layer: BasemapLayer, max_bytes: int | None
) -> None:
    path = inside(ctx, layer.file, f"/basemap/layers/{index}/file")
    if path is None:
        return
    if not path.exists():
        ctx.problem(
            "basemap-file-missing",
            path,
            f"basemap layer {layer.id!r} names {layer.file!r}, which does not exist",
            hint=f"copy the file there, or fix basemap.layers[{index}].file in {PROJECT_FILE}",
        )
        return
    size = path.stat().st_size if path.is_file() else 0
    if size > BASEMAP_WARN_BYTES:
        ctx.problem(
            "basemap-too-large",
            path,
            f"{size:,} bytes; every map page embeds the basemap, so pages grow by about that "
            f"much (the warning starts at {BASEMAP_WARN_BYTES:,})",
            hint="clip the file to the region and simplify it (e.g. to 50 m)",
        )
    before = len(ctx.report.problems)
    result = read_feature_collection(
        ctx, path, max_bytes, "basemap-not-featurecollection", "a basemap file"
    )
    if result is None:
        return
    doc = result.document
    features = doc.get("features")
    if isinstance(features, list):
        _check_features(ctx, path, layer, features)
        ctx.parsed.basemap_docs[layer.id] = doc
    add_lines(ctx, before, path, result.text)


def _check_features(ctx: Context, path: Path, layer: BasemapLayer, features: list) -> None:
    allowed = BASEMAP_GEOMETRY_TYPES[layer.role]
    counts: dict[str, int] = {}

    def report(code, index, message, hint, member="geometry/type"):
        counts[code] = counts.get(code, 0) + 1
        if counts[code] <= MAX_FINDINGS_PER_KIND:
            ctx.problem(
                code,
                path,
                message,
                hint=hint,
                pointer=f"/features/{index}/{member}",
                feature_index=index,
            )

    for index, feature in enumerate(features):
        if not isinstance(feature, dict):
            continue
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in allowed:
            report(
                "basemap-geometry-type",
                index,
                f"a {layer.role} layer holds {' or '.join(allowed)}, not {kind}",
                "move the feature to a basemap layer of another role, or fix its geometry",
            )
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        if layer.role == "boundaries" and props.get("kind") not in BOUNDARY_KINDS:
            report(
                "basemap-boundary-kind",
                index,
                f"boundary kind {props.get('kind')!r} is not one of {', '.join(BOUNDARY_KINDS)}",
                "set properties.kind: national for the country's border, province for a "
                "boundary today, former-province for one that no longer exists",
                member="properties/kind",
            )
        if layer.role == "places" and not place_label(props):
            report(
                "basemap-place-label",
                index,
                "a place has no label (properties.label, name_vi or name)",
                "give the place the name to show on the map in properties.label",
                member="properties",
            )
    for code, count in counts.items():
        if count > MAX_FINDINGS_PER_KIND:
            ctx.problem(
                code,
                path,
                f"{count - MAX_FINDINGS_PER_KIND} more feature(s) with the same problem",
                hint="fix the first ones above, then validate again",
            )
