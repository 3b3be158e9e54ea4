"""Run by tests/test_qgis_project.py with Debian's /usr/bin/python3 (python3-qgis), headless.

``qgis_probe.py PROJECT.qgz PNG [LAYER_FILE END_FIELD]...`` opens the project as QGIS
does, reports every layer (validity, feature count, CRS, renderer, labels, temporal
settings, attribution), steps a Temporal Controller (QgsTemporalNavigationObject) through
given frames counting the events each frame shows, renders the map to ``PNG``, and does
the same temporal count on each extra layer file with start ``date_start`` and the given
end field under QGIS's default temporal settings. Prints one JSON document.
"""

import json
import os
import sys

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsDateTimeRange,
    QgsFeatureRequest,
    QgsInterval,
    QgsMapRendererSequentialJob,
    QgsMapSettings,
    QgsProject,
    QgsTemporalNavigationObject,
    QgsVectorLayer,
    QgsVectorLayerTemporalContext,
    QgsVectorLayerTemporalProperties,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QSize, QTime

#: (name, first day, frame duration): a Temporal Controller set to that extent and step.
FRAMES = [
    ("1955-04-24", (1955, 4, 24), (1, "days")),
    ("1955-04-25", (1955, 4, 25), (1, "days")),
    ("1955-04-26", (1955, 4, 26), (1, "days")),
    ("1964-08-04", (1964, 8, 4), (1, "days")),
    ("1964-08-05", (1964, 8, 5), (1, "days")),
    ("1964-08-06", (1964, 8, 6), (1, "days")),
    ("1958", (1958, 1, 1), (1, "years")),
    ("1959", (1959, 1, 1), (1, "years")),
    ("1960", (1960, 1, 1), (1, "years")),
    ("1965-11", (1965, 11, 1), (1, "months")),
    ("1965-12", (1965, 12, 1), (1, "months")),
    ("1968", (1968, 1, 1), (1, "years")),
    ("1969", (1969, 1, 1), (1, "years")),
    ("2030", (2030, 1, 1), (1, "years")),
]


def frame_range(first, duration):
    """The range of frame 0 of a Temporal Controller starting at ``first``, one step long."""
    from qgis.core import QgsUnitTypes

    unit = {
        "days": QgsUnitTypes.TemporalDays,
        "months": QgsUnitTypes.TemporalMonths,
        "years": QgsUnitTypes.TemporalYears,
    }[duration[1]]
    start = QDateTime(QDate(*first), QTime(0, 0, 0))
    navigation = QgsTemporalNavigationObject()
    navigation.setNavigationMode(QgsTemporalNavigationObject.Animated)
    navigation.setTemporalExtents(QgsDateTimeRange(start, start.addYears(100)))
    navigation.setFrameDuration(QgsInterval(duration[0], unit))
    navigation.setCurrentFrameNumber(0)
    return navigation.dateTimeRangeForFrameNumber(0)


def visible(layer, frame):
    """The ids of the features the layer's temporal filter keeps in ``frame``."""
    properties = layer.temporalProperties()
    context = QgsVectorLayerTemporalContext()
    context.setLayer(layer)
    expression = properties.createFilterString(context, frame)
    request = QgsFeatureRequest()
    if expression:
        request.setFilterExpression(expression)
    return sorted(str(f["id"]) for f in layer.getFeatures(request))


def describe(layer):
    out = {
        "name": layer.name(),
        "valid": layer.isValid(),
        "source": layer.source(),
        "crs": layer.crs().authid(),
        "count": layer.featureCount(),
        "geometry": layer.geometryType(),
        "attribution": layer.attribution(),
        "attribution_url": layer.attributionUrl(),
        "rights": list(layer.metadata().rights()),
        "abstract": layer.metadata().abstract(),
    }
    renderer = layer.renderer()
    out["renderer"] = renderer.type() if renderer else None
    if renderer and renderer.type() == "categorizedSymbol":
        out["field"] = renderer.classAttribute()
        out["categories"] = []
        for category in renderer.categories():
            symbol = category.symbol()
            marker = symbol.symbolLayer(0)
            props = marker.properties()
            out["categories"].append(
                {
                    "value": category.value(),
                    "label": category.label(),
                    "render": category.renderState(),
                    "kind": marker.layerType(),
                    "shape": props.get("name"),
                    "color": symbol.color().name(),
                    "outline": props.get("outline_color") or props.get("line_color"),
                }
            )
    out["labels"] = layer.labelsEnabled()
    if layer.labelsEnabled() and layer.labeling():
        out["label_field"] = layer.labeling().settings().fieldName
    temporal = layer.temporalProperties()
    out["temporal"] = {
        "active": temporal.isActive(),
        "mode": int(temporal.mode()),
        "start": temporal.startField(),
        "end": temporal.endField(),
        "limit_mode": int(temporal.limitMode()) if hasattr(temporal, "limitMode") else None,
    }
    return out


def describe_relations(project):
    """Each relation, and what it joins: every referencing feature's referenced
    feature's ``id`` and ``summary_*``, every referenced feature's referencing ids."""
    out = {}
    for relation_id, relation in sorted(project.relationManager().relations().items()):
        child, parent = relation.referencingLayer(), relation.referencedLayer()
        entry = {
            "valid": relation.isValid(),
            "name": relation.name(),
            "referencing": child.name() if child else None,
            "referenced": parent.name() if parent else None,
            "fields": [list(pair) for pair in relation.fieldPairs().items()],
        }
        if relation.isValid():
            parents = {}
            for feature in child.getFeatures():
                found = relation.getReferencedFeature(feature)
                summaries = [n for n in found.fields().names() if n.startswith("summary_")]
                parents[feature["id"]] = (
                    [found["id"], *(found[n] for n in summaries)] if found.isValid() else None
                )
            entry["parent_of"] = parents
            entry["children_of"] = {
                feature["id"]: sorted(c["id"] for c in relation.getRelatedFeatures(feature))
                for feature in parent.getFeatures()
            }
        out[relation_id] = entry
    return out


def main():
    project_path, png = sys.argv[1], sys.argv[2]
    extra = list(zip(sys.argv[3::2], sys.argv[4::2], strict=True))
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    ok = project.read(project_path)
    result = {
        "read": ok,
        "qgis": Qgis.QGIS_VERSION,
        "title": project.title(),
        "crs": project.crs().authid(),
        "abstract": project.metadata().abstract(),
        "rights": [],
        "background": project.backgroundColor().name(),
    }
    meta = project.metadata()
    result["language"] = meta.language()
    root = project.layerTreeRoot()
    result["groups"] = [
        [group.name(), [node.name() for node in group.findLayers()]] for group in root.children()
    ]
    layers = [node.layer() for node in root.findLayers()]
    result["layers"] = [describe(layer) for layer in layers]
    time = project.timeSettings().temporalRange()
    result["time_range"] = [time.begin().toString("yyyy-MM-dd"), time.end().toString("yyyy-MM-dd")]
    events = next(
        layer
        for layer in layers
        if layer.temporalProperties().isActive()
        and layer.temporalProperties().mode()
        == QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields
    )
    frames = {name: frame_range(first, step) for name, first, step in FRAMES}
    result["frames"] = {
        name: [r.begin().toString(Qt_iso()), r.end().toString(Qt_iso()), r.includeEnd()]
        for name, r in frames.items()
    }
    result["events"] = {name: visible(events, frame) for name, frame in frames.items()}

    result["display"] = {layer.name(): layer.displayExpression() for layer in layers}
    result["widgets"] = {
        layer.name(): {
            field.name(): layer.editorWidgetSetup(k).type()
            for k, field in enumerate(layer.fields())
            if layer.editorWidgetSetup(k).type()
        }
        for layer in layers
    }
    result["relations"] = describe_relations(project)

    files = {}
    for path, end_field in extra:
        layer = QgsVectorLayer(path, "file", "ogr")
        properties = layer.temporalProperties()  # QGIS's defaults, but for the two fields
        properties.setIsActive(True)
        properties.setMode(
            QgsVectorLayerTemporalProperties.ModeFeatureDateTimeStartAndEndFromFields
        )
        properties.setStartField("date_start")
        properties.setEndField(end_field)
        files[path] = {
            "valid": layer.isValid(),
            "fields": {f.name(): f.typeName() for f in layer.fields()},
            "events": {name: visible(layer, frame) for name, frame in frames.items()},
        }
    result["files"] = files

    settings = QgsMapSettings()
    settings.setLayers([layer for layer in layers if root.findLayer(layer.id()).isVisible()])
    settings.setDestinationCrs(project.crs())
    extent = project.viewSettings().defaultViewExtent()
    settings.setExtent(extent)
    settings.setOutputSize(QSize(1400, 1000))
    settings.setBackgroundColor(project.backgroundColor())
    settings.setFlag(QgsMapSettings.Antialiasing, True)
    settings.setFlag(QgsMapSettings.DrawLabeling, True)
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    result["png_saved"] = job.renderedImage().save(png, "PNG")
    result["view_extent"] = [
        extent.xMinimum(),
        extent.yMinimum(),
        extent.xMaximum(),
        extent.yMaximum(),
    ]
    print(json.dumps(result, ensure_ascii=False), flush=True)
    # QGIS 3.22 can crash tearing down layers it did not create itself (files above);
    # everything is reported, so leave without running the destructors.
    os._exit(0)


def Qt_iso():  # noqa: N802 - a Qt format string
    return "yyyy-MM-ddTHH:mm:ss"


if __name__ == "__main__":
    main()
