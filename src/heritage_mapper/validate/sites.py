"""Rules of the site layers: RFC 7946 (through :mod:`.geojson`), the site schema, ids
unique across layers, categories, periods, citations and the region (with a hint when
latitude and longitude look swapped)."""

from __future__ import annotations

import contextlib
import unicodedata
from itertools import chain, compress, count, repeat
from operator import eq, itemgetter, not_

import numpy as np

from heritage_mapper.dates import EdtfError, parse_edtf
from heritage_mapper.model import (
    DBF_INTEGER_WIDTH,
    DBF_MAX_FIELDS,
    EXPORT_RESERVED_COLUMNS,
    PROJECT_FILE,
    RESERVED_SITE_COLUMNS,
    Project,
    SiteRecord,
    dbf_integer_fits,
    dbf_number_fits,
    split_source_ref,
)
from heritage_mapper.read.files import SLUG, is_slug
from heritage_mapper.text import fold, pointer
from heritage_mapper.validate.context import (
    Context,
    add_lines,
    inside,
    read_feature_collection,
    schema_message,
)
from heritage_mapper.validate.sources import (
    SITE_CITATION_CODES,
    check_source_ref,
    citation_is_sound,
)
from heritage_mapper.validate.texts import (
    CONTROL_FIX,
    NFC_FIX,
    control_character,
    json_may_hold_control,
    json_text_is_nfc,
    non_nfc_strings,
    strings,
)

#: jsonschema keyword → the code of a site property that breaks it (else ``-invalid``).
SITE_PROPERTY_CODES = {"required": "site-property-missing", "type": "site-property-type"}


def _site_property_code(error) -> str:
    return SITE_PROPERTY_CODES.get(error.validator, "site-property-invalid")


def check_layer(ctx: Context, project: Project, spec, site_schema, max_bytes, position) -> None:
    """Check the layer ``spec``, entry ``position`` of the project's ``layers`` (two
    entries may be equal), and record its sites in ``ctx``."""
    before = len(ctx.report.problems)
    read = _read_layer(ctx, spec, max_bytes, position)
    if read is None:  # refused, missing or unreadable: its sites are unknown
        ctx.unread_layers.append(ctx.root / spec.file)
        return
    path, result, features = read
    doc = result.document
    ctx.parsed.layer_docs[spec.id] = doc
    ctx.layer_docs_by_path[str(path)] = doc
    objects = _property_objects(features)
    if site_schema is not None and site_schema.all_valid(objects):
        site_schema = None  # every feature conforms: no need to ask one by one
    check_nfc = not json_text_is_nfc(result.text)
    check_controls = result.text is None or json_may_hold_control(result.text)
    if check_nfc or check_controls or _names_need_checks(objects):
        _check_every_site(
            ctx, project, spec, path, features, site_schema, check_nfc, check_controls
        )
    else:
        _check_sites_by_column(ctx, project, spec, path, features, site_schema)
    add_lines(ctx, before, path, result.text)


def _read_layer(ctx: Context, spec, max_bytes, position):
    """``(path, the read document, its features)`` of the layer ``spec``, or None
    after the finding that says why there is none (a path outside the folder, a file
    missing, unreadable, or not a FeatureCollection)."""
    path = inside(ctx, spec.file, f"/layers/{position}/file")
    if path is None:
        return None
    if not path.exists():
        ctx.problem(
            "layer-file-missing",
            path,
            f"layer {spec.id!r} names {spec.file!r}, which does not exist",
            hint=f"create the file or fix layers[].file in {PROJECT_FILE}",
        )
        return None
    result = read_feature_collection(
        ctx, path, max_bytes, "layer-not-featurecollection", "a site layer"
    )
    features = result.document.get("features") if result is not None else None
    if not isinstance(features, list):
        return None
    return path, result, features


def _check_every_site(ctx, project, spec, path, features, site_schema, check_nfc, check_controls):
    """Check each feature in turn: its site, then its property names against the
    layer's columns so far (the path of a layer whose texts or names need it)."""
    names: set[str] = set()
    by_case = {c.lower(): c for c in RESERVED_SITE_COLUMNS}  # the layer's columns, folded
    reported: set[str] = set()
    too_many = False
    for index, feature in enumerate(features):
        if isinstance(feature, dict):
            _check_site(
                ctx, project, spec, path, index, feature, site_schema, check_nfc, check_controls
            )
            props = feature.get("properties")
            if isinstance(props, dict) and not set(props) <= names:
                _check_name_case(ctx, path, index, props, by_case, reported)
            if not too_many and isinstance(props, dict):
                names.update(props)
                too_many = _check_column_count(ctx, path, index, names, props.get("id"))


def _names_need_checks(objects: list[dict]) -> bool:
    """Whether a feature's property names may bring a finding: two names of the layer
    (or one and a column the loader adds) differ only by case, or the layer has more
    columns than a dBASE table holds. Usually not, and then no feature needs the
    name checks of :func:`_check_every_site`."""
    names = set().union(*objects) | set(RESERVED_SITE_COLUMNS)
    if len(names | set(_ADDED_COLUMNS)) > DBF_MAX_FIELDS:
        return True
    return len({name.lower() for name in names}) != len(names)


def _check_sites_by_column(ctx, project, spec, path, features, site_schema) -> None:
    """:func:`_check_every_site` for a layer whose texts are NFC without control
    characters and whose property names need no check: each rule is asked of every
    site at once (:class:`_Columns`), :func:`_check_site` runs only on the sites a
    column check cannot clear, in feature order, and every other site is recorded as
    :func:`_check_site` records a site without findings (its id, period and place)."""
    columns = _Columns(ctx, project, features, site_schema)
    periods, bad_periods = columns.periods()
    suspects = columns.suspects() | bad_periods
    clean = [j for j in range(len(columns.plain)) if j not in suspects]
    path_name, layer = str(path), spec.id
    done = 0  # clean sites are recorded up to each suspect, so that ids keep their order
    checked = sorted(chain((columns.plain[j] for j in suspects), columns.other))
    for index in (*checked, len(features)):
        while done < len(clean) and columns.plain[clean[done]] < index:
            columns.record(clean[done], periods[clean[done]], layer, path_name)
            done += 1
        if index < len(features):
            _check_site(ctx, project, spec, path, index, features[index], site_schema, False, False)


class _Columns:
    """The sites of a layer as columns, and the positions where each rule may find
    something: C-level ``map`` over the properties, a set of each column's distinct
    values, numpy for the region. ``plain[j]`` is the index of the ``j``-th feature
    that is an object with an object of properties; ``other`` the indices of the
    features that are objects but have no such properties (always checked in full).
    """

    def __init__(self, ctx, project, features: list, site_schema):
        self.ctx, self.project, self.site_schema = ctx, project, site_schema
        kinds = [isinstance(f, dict) and isinstance(f.get("properties"), dict) for f in features]
        self.plain = list(compress(range(len(features)), kinds))
        self.other = [i for i, f in enumerate(features) if isinstance(f, dict) and not kinds[i]]
        self.features = [features[i] for i in self.plain]
        self.props = [f["properties"] for f in self.features]
        self.ids = list(map(dict.get, self.props, repeat("id")))

    def where(self, flags) -> set[int]:
        """The positions at which ``flags`` (one a site) is false."""
        return set(compress(range(len(self.props)), map(not_, flags)))

    def suspects(self) -> set[int]:
        """The positions (in :attr:`plain`) of the sites :func:`_check_site` must see,
        but for the periods that do not parse (see :meth:`periods`)."""
        geometries = list(map(dict.get, self.features, repeat("geometry")))
        found = set()
        if None in geometries:  # site-geometry-null (or none at all: RFC 7946's finding)
            found |= {j for j, g in enumerate(geometries) if g is None}
        if self.site_schema is not None:
            found |= self.where(map(self.site_schema.surely_valid, self.props))
        found |= self.where(map(_RESERVED_SITE.isdisjoint, self.props))
        ids_are_text = set(map(type, self.ids)) == {str}
        not_slugs = self.where(map(SLUG.fullmatch if ids_are_text else is_slug, self.ids))
        found |= not_slugs
        members = list(map(dict.get, self.features, repeat("id")))
        # a feature id member equal to properties.id, or none (the usual: all equal)
        found |= {j for j in self.where(map(eq, members, self.ids)) if members[j] is not None}
        found |= self._ids_used_before(ids_are_text, not_slugs)
        found |= self._bad_categories()
        found |= self._bad_citations()
        found |= self._bad_values()
        found |= self._outside_region(geometries)
        return found

    def _ids_used_before(self, ids_are_text: bool, not_slugs: set[int]) -> set[int]:
        """Ids already used (here or in an earlier layer), or that fold to the same
        text as an id used before. A slug folds to itself; the ids that are not slugs
        are checked in full anyway, and an id that folds like one of them as well."""
        sites, folded = self.ctx.sites, self.ctx.folded_ids
        odd = {
            fold(unicodedata.normalize("NFC", self.ids[j]))
            for j in not_slugs
            if isinstance(self.ids[j], str)
        }
        if ids_are_text:  # the usual layer: set operations and a dict of first uses
            used = (sites.keys() | folded.keys() | odd) & set(self.ids)
            found = self.where(map(not_, map(used.__contains__, self.ids))) if used else set()
            first = dict(zip(reversed(self.ids), reversed(range(len(self.ids))), strict=True))
            if len(first) != len(self.ids):  # an id used again within the layer
                found |= self.where(map(eq, map(first.__getitem__, self.ids), count()))
            return found
        first = {}
        return {
            j
            for j, site_id in enumerate(self.ids)
            if not isinstance(site_id, str)
            or site_id in sites
            or site_id in folded
            or site_id in odd
            or first.setdefault(site_id, j) != j
        }

    def periods(self) -> tuple[list, set[int]]:
        """The parsed period of each site (None: none given, or one that does not
        parse), and the positions of the sites whose period does not parse."""
        texts = list(map(dict.get, self.props, repeat("period")))
        parsed: dict = {}
        for text in {t for t in texts if isinstance(t, str) and t}:
            parsed[text] = self.ctx.dates.get(text)
            if parsed[text] is None:
                with contextlib.suppress(EdtfError):  # None: a finding
                    parsed[text] = self.ctx.dates[text] = parse_edtf(text)
        periods = [parsed.get(t) if isinstance(t, str) else None for t in texts]
        bad = {text for text, period in parsed.items() if period is None}
        if not bad:
            return periods, set()
        return periods, {j for j, t in enumerate(texts) if isinstance(t, str) and t in bad}

    def _bad_categories(self) -> set[int]:
        """Categories (strings) that project.json does not declare."""
        categories = self.ctx.category_ids(self.project)
        cells = list(map(dict.get, self.props, repeat("category")))
        if set(map(type, cells)) == {str}:  # the usual layer: one set difference
            unknown = set(cells) - categories
            return self.where(map(not_, map(unknown.__contains__, cells))) if unknown else set()
        return self.where(not isinstance(c, str) or c in categories for c in cells)

    def _bad_citations(self) -> set[int]:
        """Sites citing a source or paragraph that :func:`check_source_ref` reports."""
        cells = list(map(dict.get, self.props, repeat("source_refs")))
        lists = [cell for cell in cells if isinstance(cell, list)]
        refs = set(chain.from_iterable(lists)) if _only_text(lists) else set()
        if not refs:  # a list with something else than text: one list at a time
            for cell in lists:
                refs.update(r for r in cell if isinstance(r, str))
        bad = {r for r in refs if not _ref_is_sound(self.ctx, r)}
        if not bad:
            return set()
        return {j for j, c in enumerate(cells) if isinstance(c, list) and _any_in(bad, c)}

    def _bad_values(self) -> set[int]:
        """What :func:`_check_property_names` reports: names an export adds, integers
        past 64 bits, floats a dBASE number cannot hold. A column of strings (and
        lists, objects, booleans, nulls) is cleared by the set of its types."""
        found = set()
        names = set().union(*self.props)
        clash = {n for n in names if n.lower() in _EXPORT_RESERVED}
        if clash:
            found |= self.where(map(clash.isdisjoint, self.props))
        for name in names:
            cells = list(map(dict.get, self.props, repeat(name)))
            for kind in set(map(type, cells)) - _NEVER_REPORTED_TYPES:
                found |= _bad_numbers(cells, kind)
        return found

    def _outside_region(self, geometries: list) -> set[int]:
        """Sites with a position that may be outside the region box: what
        :func:`_check_region` reports is decided there, exceptions included."""
        xy = _point_coordinates(geometries)
        region = self.project.region
        if xy is None:  # not a layer of plain points: one site at a time
            return {j for j, g in enumerate(geometries) if not _region_clear(region, g)}
        w, s, e, n = region.bbox
        m = region.margin_deg
        lon, lat = xy[:, 0], xy[:, 1]
        with np.errstate(invalid="ignore"):  # NaN: outside, as in _inside_box
            inside = (w - m <= lon) & (lon <= e + m) & (s - m <= lat) & (lat <= n + m)
        return set(np.flatnonzero(~inside).tolist())

    def record(self, j: int, period, layer: str, path: str) -> None:
        """Record the clean site ``j`` and its parsed ``period`` (None: none) as
        :func:`_check_site` does (its id is a slug, its own NFC form and fold)."""
        key = self.ids[j]
        self.ctx.folded_ids[key] = key
        self.ctx.sites[key] = SiteRecord(key, layer, path, self.plain[j], period)
        if period is not None:
            self.ctx.parsed.site_periods[key] = period


#: Value types :func:`_check_property_names` never reports (it looks at numbers).
_NEVER_REPORTED_TYPES = frozenset((str, list, dict, bool, type(None)))


def _bad_numbers(cells: list, kind: type) -> set[int]:
    """The positions of the values of type ``kind`` in ``cells`` that
    :func:`_check_property_names` may report."""
    values = [v for v in cells if type(v) is kind]
    if kind is int:
        widest = (min(values), max(values))
        if all(INT64 <= v < -INT64 and dbf_integer_fits(v) for v in widest):
            return set()  # the usual column of integers: within 64 bits and 18 characters
    elif kind is float and all(map(dbf_number_fits, values)):
        return set()
    return {j for j, v in enumerate(cells) if type(v) is kind}


def _only_text(lists: list[list]) -> bool:
    """Whether every item of every list is a str (so the items can go in a set)."""
    return set(map(type, chain.from_iterable(lists))) <= {str}


def _any_in(values: set, items: list) -> bool:
    return any(item in values for item in items if isinstance(item, str))


def _ref_is_sound(ctx, ref: str) -> bool:
    """Whether :func:`_check_site_values` finds nothing in one ``source_refs`` item."""
    cited = split_source_ref(ref)
    return cited is None or citation_is_sound(ctx, *cited)


def _point_coordinates(geometries: list):
    """The positions of a layer of Points, each ``[lon, lat]`` of two JSON numbers,
    as an (n, 2) float array; None for any other layer."""
    try:
        if set(map(type, geometries)) != {dict}:
            return None
        if set(map(itemgetter("type"), geometries)) != {"Point"}:
            return None
        coordinates = list(map(itemgetter("coordinates"), geometries))
        if set(map(type, coordinates)) != {list} or set(map(len, coordinates)) != {2}:
            return None
        if not set(map(type, chain.from_iterable(coordinates))) <= {int, float}:
            return None  # (a bool is not a number here, as in _positions)
        return np.array(coordinates, dtype=float).reshape(-1, 2)
    except (KeyError, OverflowError, TypeError):  # no type or coordinates; an integer
        return None  # past float; a type that is no string (a list cannot be in a set)


def _region_clear(region, geometry) -> bool:
    """Whether :func:`_check_region` finds nothing in ``geometry``."""
    positions = list(_positions(geometry))
    if not positions:
        return True
    if len(positions) <= REGION_PLAIN_POSITIONS and _inside_box(region, positions):
        return True
    return _first_outside(region, positions) is None


INT64 = -(2**63)  # the smallest 64-bit integer; -INT64 - 1 is the largest
#: The columns the loader adds to every site (the geometry is not a dBASE field).
_ADDED_COLUMNS = tuple(c for c in RESERVED_SITE_COLUMNS if c != "geometry")


def _check_column_count(ctx, path, index, names: set[str], site_id) -> bool:
    """Report the feature whose properties take the layer past the dBASE column limit."""
    count = len(names | set(_ADDED_COLUMNS))
    if count <= DBF_MAX_FIELDS:
        return False
    ctx.problem(
        "site-properties-too-many",
        path,
        f"with this feature the layer has {count} columns (its property names and "
        f"{', '.join(_ADDED_COLUMNS)}); a Shapefile's dBASE table holds {DBF_MAX_FIELDS}",
        hint="keep the extra data in fewer properties (a list or an object is one column), "
        "or split the layer",
        pointer=f"/features/{index}/properties",
        feature_index=index,
        feature_id=site_id if isinstance(site_id, str) else None,
    )
    return True


def _check_name_case(ctx, path, index, props: dict, by_case: dict, reported: set) -> None:
    """Property names of a layer (one column each) that differ only by case: reported
    at the first feature bringing the second spelling, once per spelling."""
    site_id = props.get("id")
    for name in props:
        lower = name.lower()
        first = by_case.setdefault(lower, name)
        if first == name or name in reported:
            continue
        reported.add(name)
        ctx.problem(
            "site-property-name-case",
            path,
            f"property {name!r} differs from {first!r} (a column of this layer) only by "
            "case; GeoPackage and dBASE column names ignore case, so both cannot be exported",
            hint="rename one of them, or merge the two",
            pointer=f"/features/{index}/properties{pointer(name)}",
            feature_index=index,
            feature_id=site_id if isinstance(site_id, str) else None,
        )


_EXPORT_RESERVED = frozenset(EXPORT_RESERVED_COLUMNS)
_RESERVED_SITE = frozenset(RESERVED_SITE_COLUMNS)


def _check_property_names(props: dict, report, base: str) -> None:
    """Names an export adds itself, and numbers a dBASE field cannot hold exactly."""
    # one set test (str.lower in C) for the usual feature, which has none of an
    # export's names; a name that is not a string (never from JSON) goes to the loop
    try:
        clash = not _EXPORT_RESERVED.isdisjoint(map(str.lower, props))
    except TypeError:
        clash = True
    if clash:
        for name in props:
            if not isinstance(name, str):
                continue
            lower = name.lower()
            if lower in EXPORT_RESERVED_COLUMNS:
                report(
                    "site-property-name-export",
                    f"a property named {name!r} clashes with the {lower!r} column an export "
                    "adds (GeoPackage: fid, geom; CSV: longitude, latitude, easting, "
                    "northing, wkt); the export would fail or hold two columns of one name",
                    hint=f"rename the property, e.g. to 'source_{name}'",
                    pointer=f"{base}/properties{pointer(name)}",
                )
    for name, value in props.items():
        if type(value) is str:
            continue  # the usual value; the tests below are for numbers
        whole = isinstance(value, int) and not isinstance(value, bool)
        if whole and not INT64 <= value < -INT64:
            report(
                "site-property-integer-text",
                f"{name} is an integer beyond the 64-bit range: GeoPackage, Shapefile and "
                "FlatGeobuf write this column as text with every digit (a Shapefile text "
                "holds 254 bytes); GeoJSON and CSV keep the number",
                hint="nothing to do if text is fine there; otherwise store it as a string",
                pointer=f"{base}/properties{pointer(name)}",
            )
        elif whole and not dbf_integer_fits(value):
            report(
                "site-property-number-shapefile",
                f"{name} = {value!r} has more than {DBF_INTEGER_WIDTH} characters, which a "
                "Shapefile holds but GDAL reads back as a real, its last digits lost: the "
                "Shapefile export writes the column as text so the value stays exact (so do "
                "GeoPackage and FlatGeobuf where the column also holds decimals); GeoJSON "
                "and CSV keep the number",
                hint="nothing to do if text in the Shapefile is fine; otherwise store it as "
                "a string",
                pointer=f"{base}/properties{pointer(name)}",
            )
        if isinstance(value, float) and not dbf_number_fits(value):
            report(
                "site-property-number-shapefile",
                f"{name} = {value!r} does not fit a dBASE number field (24 characters, at "
                "most 15 decimals): the Shapefile export writes the column as text so the "
                "value stays exact; the other formats keep the number",
                hint="nothing to do if text in the Shapefile is fine; otherwise round it",
                pointer=f"{base}/properties{pointer(name)}",
            )


def _property_objects(features: list) -> list[dict]:
    """The ``properties`` objects that :func:`_check_site` checks against the schema."""
    return [
        f["properties"]
        for f in features
        if isinstance(f, dict) and isinstance(f.get("properties"), dict)
    ]


def _check_site(
    ctx, project, spec, path, index, feature, site_schema, check_nfc=True, check_controls=True
) -> None:
    props = feature.get("properties")
    site_id = props.get("id") if isinstance(props, dict) else None
    fid = site_id if isinstance(site_id, str) else feature.get("id")
    fid = str(fid) if fid is not None else None
    base = f"/features/{index}"
    loc = {"feature_index": index, "feature_id": fid}

    def report(code, message, hint=None, pointer=base, severity=None):
        ctx.problem(code, path, message, hint=hint, pointer=pointer, severity=severity, **loc)

    if feature.get("geometry", "absent") is None:
        report(
            "site-geometry-null",
            "a heritage site needs a location, but its geometry is null",
            hint="give the site a Point at the best position the sources support and a "
            "matching location_precision_m",
            pointer=f"{base}/geometry",
        )
    if not isinstance(props, dict):
        return
    for ptr, text in non_nfc_strings(props, f"{base}/properties") if check_nfc else ():
        report(
            "text-not-nfc",
            f"text {text[:40]!r} is not NFC (decomposed accents); it will be normalised "
            "when loaded, but search and joins on the raw file may miss it",
            hint=NFC_FIX,
            pointer=ptr,
        )
    for ptr, text in strings(props, f"{base}/properties") if check_controls else ():
        found = control_character(text)
        if found:
            report(
                "text-control-character",
                found[1],
                hint=CONTROL_FIX,
                pointer=ptr,
                severity=found[0],
            )
    id_flagged = False
    if site_schema is not None:
        for error in site_schema.iter_errors(props):
            id_flagged = id_flagged or list(error.absolute_path)[:1] == ["id"]
            report(
                _site_property_code(error),
                schema_message(error),
                hint="see schemas/site.schema.json and the README's data model",
                pointer=f"{base}/properties{pointer(*error.absolute_path)}",
            )
    for name in RESERVED_SITE_COLUMNS if not _RESERVED_SITE.isdisjoint(props) else ():
        if name in props:  # (one set test above for the usual site, which has none)
            report(
                "site-property-reserved",
                f"a property named {name!r} would be lost: heritage-mapper gives every "
                f"loaded site a {name!r} column of its own",
                hint=f"rename the property, e.g. to 'source_{name}'",
                pointer=f"{base}/properties{pointer(name)}",
            )
    if not id_flagged and "id" in props and not is_slug(site_id):
        # the package's rule, whatever a folder's own site schema allows
        report(
            "id-unsafe",
            f"site id {str(site_id)[:60]!r} is not a slug",
            pointer=f"{base}/properties/id",
        )
    _check_property_names(props, report, base)
    recorded = isinstance(site_id, str) and _check_site_id(
        ctx, spec, path, index, feature, site_id, report, base
    )
    _check_site_values(ctx, project, path, props, report, base, site_id if recorded else None, loc)
    _check_region(project, feature.get("geometry"), report, base)


def _check_site_id(ctx, spec, path, index, feature, site_id, report, base) -> bool:
    """Check a site's id; record the site in ``ctx`` unless its id is taken (the first
    site with an id keeps it: the duplicate's message names that one). Whether it was
    recorded."""
    member = feature.get("id")
    key = unicodedata.normalize("NFC", site_id)
    nfc_member = unicodedata.normalize("NFC", member) if isinstance(member, str) else member
    if member != site_id and nfc_member == key:
        report(
            "text-not-nfc",
            f"feature id {member!r} and properties.id {site_id!r} are the same id in "
            "different Unicode forms (one is decomposed)",
            hint=NFC_FIX,
            pointer=f"{base}/id",
        )
    elif member is not None and member != site_id:
        report(
            "site-id-mismatch",
            f"feature id {member!r} differs from properties.id {site_id!r}",
            hint="make the two equal (the id member is what GIS tools show)",
            pointer=f"{base}/id",
        )
    if key in ctx.sites:
        first = ctx.sites[key]
        report(
            "site-id-duplicate",
            f"site id {site_id!r} is already used by feature {first.index} of {first.path}",
            hint="ids must be unique across all layers; rename one of them",
            pointer=f"{base}/properties/id",
        )
        return False
    folded = fold(key)
    if folded in ctx.folded_ids:
        report(
            "site-id-near-duplicate",
            f"site id {site_id!r} differs from {ctx.folded_ids[folded]!r} only by case, "
            "accents, Unicode form or invisible characters",
            hint="if they are the same place, merge them; otherwise choose clearly different ids",
            pointer=f"{base}/properties/id",
        )
    else:
        ctx.folded_ids[folded] = key
    ctx.sites[key] = SiteRecord(key, spec.id, str(path), index, None)
    return True


def _check_site_values(ctx, project, path, props, report, base, site_id, loc) -> None:
    """Check a site's period, category and citations; its period is recorded for the
    site ``site_id`` (None: a site not recorded, whose id is missing or taken)."""
    period = props.get("period")
    if isinstance(period, str) and period:
        try:
            parsed = ctx.dates.get(period)
            if parsed is None:  # a national layer repeats a few hundred periods
                parsed = ctx.dates[period] = parse_edtf(period)
        except EdtfError as exc:
            report("site-period-invalid", str(exc), pointer=f"{base}/properties/period")
        else:
            key = unicodedata.normalize("NFC", site_id) if isinstance(site_id, str) else None
            if key in ctx.sites:  # sites are keyed by their NFC id
                ctx.sites[key].period = parsed
                ctx.parsed.site_periods[key] = parsed
    category = props.get("category")
    if isinstance(category, str) and category not in ctx.category_ids(project):
        report(
            "site-category-unknown",
            f"category {category!r} is not declared in {PROJECT_FILE}",
            hint=f"use one of {[c.id for c in project.categories]} or declare it",
            pointer=f"{base}/properties/category",
        )
    refs = props.get("source_refs")
    if isinstance(refs, list):
        for i, ref in enumerate(refs):
            cited = split_source_ref(ref)
            if cited is not None:
                check_source_ref(
                    ctx,
                    path,
                    *cited,
                    SITE_CITATION_CODES,
                    pointer=f"{base}/properties/source_refs/{i}",
                    **loc,
                )


def _positions(geometry):
    """Yield every (lon, lat) in a geometry, iteratively (no recursion)."""
    stack = [geometry.get("coordinates") if isinstance(geometry, dict) else None]
    if isinstance(geometry, dict) and isinstance(geometry.get("geometries"), list):
        stack.extend(g.get("coordinates") for g in geometry["geometries"] if isinstance(g, dict))
    while stack:
        item = stack.pop()
        if not isinstance(item, list) or not item:
            continue
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in item[:2]):
            position = _lon_lat(item) if len(item) >= 2 else None
            if position is not None:
                yield position
        else:
            stack.extend(item)


def _lon_lat(position: list) -> tuple[float, float] | None:
    """The first two numbers as floats; None for an integer past the float range (such
    as a 400-digit one), which check_document reports as not a finite number."""
    try:
        return float(position[0]), float(position[1])
    except OverflowError:
        return None


#: The region check tests all positions of a site against the box at once, then the
#: positions outside it against this many exceptions at a time (numpy, in C): the cost
#: is positions x exceptions comparisons at a few nanoseconds each (it was a Python
#: loop, 9 s for 100,000 positions and 1,000 exceptions), the memory positions x this
#: many booleans. Positions are bounded by the layer's size limit (--max-bytes).
REGION_EXCEPTIONS_PER_PASS = 64


def _first_outside(region, positions: list[tuple[float, float]]) -> int | None:
    """The index of the first position outside the region box and its exceptions."""
    coords = np.asarray(positions, dtype=float).reshape(-1, 2)
    lon, lat = coords[:, 0], coords[:, 1]
    w, s, e, n = region.bbox
    m = region.margin_deg
    with np.errstate(invalid="ignore"):
        inside = (w - m <= lon) & (lon <= e + m) & (s - m <= lat) & (lat <= n + m)
        left = np.flatnonzero(~inside)
        boxes = np.array([ex.bbox for ex in region.exceptions], dtype=float).reshape(-1, 4)
        for start in range(0, len(boxes), REGION_EXCEPTIONS_PER_PASS):
            if not left.size:
                break
            chunk = boxes[start : start + REGION_EXCEPTIONS_PER_PASS]
            x, y = lon[left, None], lat[left, None]
            covered = (
                (chunk[:, 0] <= x) & (x <= chunk[:, 2]) & (chunk[:, 1] <= y) & (y <= chunk[:, 3])
            ).any(axis=1)
            left = left[~covered]
    return int(left[0]) if left.size else None


#: Up to this many positions, a site inside the region box is told in plain Python: a
#: point site costs a microsecond, where setting up the numpy arrays costs fifteen.
REGION_PLAIN_POSITIONS = 16


def _inside_box(region, positions: list[tuple[float, float]]) -> bool:
    """Whether every position is inside the region box with its margin; the same
    float comparisons as :func:`_first_outside` (NaN is outside)."""
    w, s, e, n = region.bbox
    m = region.margin_deg
    west, south, east, north = w - m, s - m, e + m, n + m
    return all(west <= lon <= east and south <= lat <= north for lon, lat in positions)


def _check_region(project: Project, geometry, report, base) -> None:
    region = project.region
    positions = list(_positions(geometry))
    if not positions or (
        len(positions) <= REGION_PLAIN_POSITIONS and _inside_box(region, positions)
    ):
        return
    first = _first_outside(region, positions)
    if first is None:
        return
    lon, lat = positions[first]
    w, s, e, n = region.bbox
    if region.contains(lat, lon):
        report(
            "coordinates-swapped",
            f"position [{lon}, {lat}] is outside the region, but [{lat}, {lon}] is "
            "inside: latitude and longitude look swapped",
            hint="GeoJSON positions are [longitude, latitude]; swap the two numbers",
            pointer=f"{base}/geometry/coordinates",
        )
    else:
        report(
            "site-outside-region",
            f"position [{lon}, {lat}] is outside the region box [{w}, {s}, {e}, {n}] "
            f"(margin {region.margin_deg}°) and its named exceptions",
            hint="check the coordinates, or declare the place under region.exceptions "
            f"in {PROJECT_FILE}",
            pointer=f"{base}/geometry/coordinates",
        )  # one finding per site is enough
