"""Join events to sites (many to many).

An event names zero or more sites; a site has zero or more events. The link table
is the join; the timelines and the events-with-geometry layer are built from it.
"""

from __future__ import annotations

__all__ = ["event_site_links", "site_timelines", "events_with_geometry", "timeline_order"]


def event_site_links(events):
    """The many-to-many link table: one row per (event, site) pair.

    Columns ``event_id``, ``site_id``, in event order then site order.

    Examples
    --------
    >>> import pandas as pd
    >>> ev = pd.DataFrame({"id": ["a", "b"], "site_ids": [["x", "y"], []]})
    >>> event_site_links(ev).to_dict("records")
    [{'event_id': 'a', 'site_id': 'x'}, {'event_id': 'a', 'site_id': 'y'}]
    """
    import pandas as pd

    pairs = events[["id", "site_ids"]].explode("site_ids").dropna(subset=["site_ids"])
    return pd.DataFrame(
        {"event_id": pairs["id"].astype("string"), "site_id": pairs["site_ids"].astype("string")}
    ).reset_index(drop=True)


def timeline_order(events):
    """Events sorted for a timeline: by start (or end when the start is unknown), then id."""
    key = events["date_start"].fillna(events["date_end"])
    return (
        events.assign(_key=key)
        .sort_values(["_key", "date_end", "id"], kind="stable")
        .drop(columns="_key")
    )


def site_timelines(geodata) -> dict:
    """Site id → its events (DataFrame) sorted by date; every site has an entry.

    The (site, event) pairs are sorted once, the events taken in that order once, and
    each site gets its slice: a ``.loc`` per site took 10 s for 10,000 sites.
    """
    import numpy as np
    import pandas as pd

    links = event_site_links(geodata.events)
    ordered = timeline_order(geodata.events).reset_index(drop=True)
    event_index = pd.Index(ordered["id"])
    if not event_index.is_unique:  # not after validation; keep the old meaning anyway
        return _timelines_by_loc(geodata.sites["id"], links, ordered)
    site_ids = list(dict.fromkeys(geodata.sites["id"]))
    site_code = {site_id: i for i, site_id in enumerate(site_ids)}
    sites = np.array([site_code[s] for s in links["site_id"]], dtype=np.int64)
    rows = event_index.get_indexer(links["event_id"])
    order = np.lexsort((rows, sites))  # by site, then timeline position; stable
    taken = ordered.take(rows[order]).reset_index(drop=True)
    ends = np.searchsorted(sites[order], np.arange(len(site_ids) + 1))
    return {site_id: _rows(taken, ends[i], ends[i + 1]) for i, site_id in enumerate(site_ids)}


def _rows(frame, start: int, stop: int):
    """Rows ``start:stop`` numbered from 0 (half the time of ``reset_index``)."""
    part = frame.iloc[start:stop]
    part.index = _range_index(stop - start)
    return part


def _range_index(length: int):
    import pandas as pd

    return pd.RangeIndex(length)


def _timelines_by_loc(site_ids, links, ordered) -> dict:
    by_site = {site_id: [] for site_id in site_ids}
    for event_id, site_id in zip(links["event_id"], links["site_id"], strict=True):
        by_site[site_id].append(event_id)
    indexed = ordered.set_index("id", drop=False)
    position = {event_id: i for i, event_id in enumerate(ordered["id"])}
    return {
        site_id: indexed.loc[sorted(ids, key=position.__getitem__)].reset_index(drop=True)
        for site_id, ids in by_site.items()
    }


def events_with_geometry(geodata):
    """A GeoDataFrame with one row per (event, site) pair and the site's geometry.

    Events that name no site are left out (they have no place); the site's ``layer``
    and names come along, and ``date_start``/``date_end`` carry the EDTF bounds for
    temporal tools such as QGIS's Temporal Controller.
    """
    import geopandas as gpd

    links = event_site_links(geodata.events)
    events = geodata.events.drop(columns=["site_ids"])
    sites = geodata.sites[["id", "layer", "name_vi", "name_en", "geometry"]].rename(
        columns={"id": "site_id", "name_vi": "site_name_vi", "name_en": "site_name_en"}
    )
    joined = links.merge(events, left_on="event_id", right_on="id").merge(sites, on="site_id")
    joined = joined.drop(columns=["id"])
    return gpd.GeoDataFrame(joined, geometry="geometry", crs=geodata.sites.crs)
