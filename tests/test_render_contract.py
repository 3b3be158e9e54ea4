"""The page script and its data: the written contract, and Leaflet's public API only.

- ``render/page-data.schema.json`` (JSON Schema 2020-12) describes the object a page
  embeds; every page of the real geodata and of a small generated one validates
  against it, and the script reads no top-level key it does not declare;
- the script is assembled from ``render/static/js/`` in the declared order, the same
  every time, with every module listed;
- the assembled script touches no ``._private`` member of Leaflet or markercluster.
"""

from __future__ import annotations

import base64
import gzip
import importlib.util
import json
import re
import sys
from importlib.resources import files

import pytest
from jsonschema import Draft202012Validator

import heritage_mapper.render.data
from heritage_mapper import load_geodata
from heritage_mapper.render import render_pages
from heritage_mapper.render.assets import (
    APP_SCRIPTS,
    app_script,
    load_assets,
    messages,
    static_text,
)

from .conftest import GEODATA, REPO

SCHEMA = json.loads(
    (files("heritage_mapper.render") / "page-data.schema.json").read_text(encoding="utf-8")
)
JS_DIR = REPO / "src" / "heritage_mapper" / "render" / "static" / "js"
DATA_ELEMENT = re.compile(
    r'<script type="application/(?:json|octet-stream)" id="hm-data"'
    r'(?: data-encoding="([^"]+)")?>(.*?)</script>',
    re.S,
)
#: Members whose name starts with "_" that the script may touch: only our own.
OWN_UNDERSCORE_FIELDS: frozenset[str] = frozenset()
#: `x._name` (a member access, not `_` as a whole name such as the `(_, i)` parameter).
PRIVATE_MEMBER = re.compile(r"\.\s*(_[A-Za-z0-9_$]*)")
#: Writing a Leaflet object's options as if they were state: `x.options.y = ...`.
OPTIONS_WRITE = re.compile(r"\.options\.[A-Za-z_$][\w$]*\s*=(?!=)")


def page_data(html: str) -> dict:
    """The data object a page embeds, read as the page script reads it."""
    match = DATA_ELEMENT.search(html)
    assert match, "the page has no data element"
    encoding, text = match.groups()
    if encoding is None:
        return json.loads(text)
    assert encoding == "gzip-base64"
    return json.loads(gzip.decompress(base64.b64decode(text)))


def assert_valid(data: dict, where: str) -> None:
    errors = sorted(Draft202012Validator(SCHEMA).iter_errors(data), key=lambda e: e.json_path)
    assert not errors, where + ": " + "; ".join(f"{e.json_path}: {e.message}" for e in errors[:5])


def generated_geodata(tmp_path, sites: int):
    spec = importlib.util.spec_from_file_location(
        "benchmarks_generate", REPO / "benchmarks" / "generate.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        root = module.generate(tmp_path / "geodata", sites=sites, seed=3)
    finally:
        sys.modules.pop(spec.name, None)
    return load_geodata(root)


@pytest.fixture(scope="module")
def real_pages() -> dict[str, str]:
    return render_pages(load_geodata(GEODATA))


def comment_free(script: str) -> str:
    """The script without its comments (a comment may name what the code must not do)."""
    script = re.sub(r"/\*.*?\*/", "", script, flags=re.S)
    return re.sub(r"(?m)(^|[^:\\])//.*$", r"\1", script)


# ---------- the schema ----------


def test_the_schema_is_valid_draft_2020_12():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_page_of_the_real_geodata_follows_the_schema(real_pages):
    assert len(real_pages) > 1
    for name, html in real_pages.items():
        assert_valid(page_data(html), name)


def test_a_small_generated_geodata_follows_the_schema(tmp_path):
    pages = render_pages(generated_geodata(tmp_path, sites=12))
    for name, html in pages.items():
        assert_valid(page_data(html), name)


def test_a_clustered_compressed_page_follows_the_schema(tmp_path, monkeypatch):
    monkeypatch.setattr(heritage_mapper.render.data, "COMPRESS_MIN_BYTES", 0)
    pages = render_pages(generated_geodata(tmp_path, sites=520))
    html = pages["index.html"]
    assert 'data-encoding="gzip-base64"' in html
    data = page_data(html)
    assert data["page"]["cluster"] is True
    assert_valid(data, "index.html")


TEXT_ELEMENT = re.compile(
    r'<script type="application/octet-stream" id="hm-texts-(\d+)" '
    r'data-encoding="gzip-base64">([A-Za-z0-9+/=]+)</script>'
)


def test_a_compressed_page_carries_its_event_texts_in_chunks_equal_to_the_records(
    tmp_path, monkeypatch
):
    """Large pages keep the events' titles and summaries apart, a chunk of events per
    element in order; put back together they are the columns a small page embeds."""
    geodata = generated_geodata(tmp_path, sites=60)
    plain = page_data(render_pages(geodata)["index.html"])
    assert "eventTexts" not in plain and "title" in plain["events"]
    monkeypatch.setattr(heritage_mapper.render.data, "COMPRESS_MIN_BYTES", 0)
    monkeypatch.setattr(heritage_mapper.render.data, "EVENT_TEXT_CHUNK", 7)
    html = render_pages(geodata)["index.html"]
    data = page_data(html)
    assert_valid(data, "index.html")
    count = len(plain["events"]["start"])
    assert count > 7 * 3
    assert data["eventTexts"] == {"chunk": 7, "count": -(-count // 7)}
    assert "title" not in data["events"] and "summary" not in data["events"]
    chunks = [(int(k), text) for k, text in TEXT_ELEMENT.findall(html)]
    assert [k for k, _ in chunks] == list(range(data["eventTexts"]["count"]))
    decoded = [json.loads(gzip.decompress(base64.b64decode(text))) for _, text in chunks]
    assert all(len(d["title"]["vi"]) == 7 for d in decoded[:-1])
    for name in ("title", "summary"):
        for lang, column in plain["events"][name].items():
            assert [v for d in decoded for v in d[name][lang]] == column, (name, lang)
    # the rest of the data is what a small page embeds
    data["events"] |= {name: plain["events"][name] for name in ("title", "summary")}
    del data["eventTexts"]
    assert data == plain


def test_the_schema_wants_the_event_texts_in_the_events_or_in_chunks(real_pages):
    data = page_data(real_pages["index.html"])
    without = json.loads(json.dumps(data))
    del without["events"]["summary"]
    assert not Draft202012Validator(SCHEMA).is_valid(without)  # no texts anywhere
    without["eventTexts"] = {"chunk": 1000, "count": 1}
    assert not Draft202012Validator(SCHEMA).is_valid(without)  # texts in both places
    del without["events"]["title"]
    assert_valid(without, "index.html with its event texts in chunks")


def test_the_schema_closes_the_shapes_it_declares(real_pages):
    data = page_data(real_pages["index.html"])
    for path in ((), ("sites",), ("events",), ("page",)):
        broken = json.loads(json.dumps(data))
        target = broken
        for key in path:
            target = target[key]
        target["undeclared"] = 1
        assert not Draft202012Validator(SCHEMA).is_valid(broken), path
        del target["undeclared"]
        target.pop(sorted(target)[0])
        assert not Draft202012Validator(SCHEMA).is_valid(broken), path


def top_level_keys_read(script: str) -> set[str]:
    """Top-level keys of the page data the script reads: ``data.<key>`` and
    ``const { a, b } = data`` (the object is always called ``data``: ``data``,
    ``this.data`` or ``app.data``)."""
    code = comment_free(script)
    keys = set(re.findall(r"\bdata\s*\.\s*([A-Za-z_$][\w$]*)", code))
    keys |= set(re.findall(r"\bdata\s*\[\s*[\"']([^\"']+)[\"']\s*\]", code))
    for names in re.findall(r"\{([^{}]*)\}\s*=\s*(?:this\.|app\.)?data\b", code):
        keys |= {name.split(":")[0].strip() for name in names.split(",") if name.strip()}
    return keys


def test_the_script_reads_only_declared_top_level_keys():
    read = top_level_keys_read(app_script())
    assert {"sites", "events", "layers", "page", "messages", "bounds"} <= read  # the grep works
    undeclared = read - set(SCHEMA["properties"])
    assert not undeclared, f"the script reads data keys the schema does not declare: {undeclared}"


def test_the_key_grep_sees_destructuring_and_brackets():
    script = 'const { sites, extra: x } = this.data; f(app.data["other"], data.more);'
    assert top_level_keys_read(script) == {"sites", "extra", "other", "more"}


def test_the_schema_requires_every_label_the_pages_ship():
    catalogue = messages()["messages"]
    required = set(SCHEMA["properties"]["messages"]["additionalProperties"]["required"])
    for lang, labels in catalogue.items():
        assert set(labels) == required, lang


def test_the_schema_is_referenced_where_the_contract_is_kept():
    assert "page-data.schema.json" in static_text("js/main.js").split("*/")[0]
    assert "page-data.schema.json" in heritage_mapper.render.data.__doc__


# ---------- assembly ----------


def test_every_module_is_assembled_once_in_the_declared_order():
    on_disk = sorted(path.name for path in JS_DIR.glob("*.js"))
    assert sorted(APP_SCRIPTS) == on_disk and len(set(APP_SCRIPTS)) == len(APP_SCRIPTS)
    assert APP_SCRIPTS[-1] == "main.js"
    script = app_script()
    markers = [script.index(f"// ---- js/{name} ----") for name in APP_SCRIPTS]
    assert markers == sorted(markers)
    assert script.startswith("/*") and "(function () {" in script
    assert script.rstrip().endswith("})();")
    assert "window.HeritageMapper = " in script


def test_the_script_is_the_same_on_every_build():
    assert app_script() == app_script()
    assert load_assets(cluster=False).js[-1] == app_script()
    assert load_assets(cluster=True).js[-1] == app_script()


def test_every_module_stays_small():
    for path in JS_DIR.glob("*.js"):
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines < 250, f"{path.name}: {lines} lines; split it by concern"


def test_data_text_never_goes_through_html_parsing():
    code = comment_free(app_script())
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "bindPopup("):
        assert sink not in code, sink


# ---------- Leaflet's public API only ----------


def private_members(script: str) -> set[str]:
    """``._name`` members the script touches, outside comments and our own fields."""
    return set(PRIVATE_MEMBER.findall(comment_free(script))) - OWN_UNDERSCORE_FIELDS


def test_the_script_touches_no_private_leaflet_member():
    assert private_members(app_script()) == set()
    assert not OPTIONS_WRITE.findall(comment_free(app_script()))


def test_the_private_member_check_catches_what_it_must():
    leaky = "zoom._zoomInButton.title = t; this._map.getSize(); m.options.title = x;"
    assert private_members(leaky) == {"_zoomInButton", "_map"}
    assert OPTIONS_WRITE.findall(leaky)
    assert not private_members("order.map((_, i) => i); // uses ._icon? no")
    assert not OPTIONS_WRITE.findall("if (a.options.b === c) {}")
