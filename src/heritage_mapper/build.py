"""``heritage-mapper build``: validate, join, and write everything the project publishes.

One public function, :func:`build`, runs the steps in order. Validation comes first
and refuses the folder on errors before anything is written, so the previous output
stays as it was; each later step renders in memory and writes atomically.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEFAULT_MAPS_DIR", "build"]

DEFAULT_MAPS_DIR = "maps"


def build(
    geodata_dir: str | Path, maps_dir: str | Path = DEFAULT_MAPS_DIR, *, strict: bool = False
) -> list[Path]:
    """Validate ``geodata_dir`` and write its interactive maps into ``maps_dir``.

    Parameters
    ----------
    geodata_dir
        Folder with ``project.json``.
    maps_dir
        Where ``index.html`` and one ``<layer-id>.html`` per layer go.
    strict
        Refuse the folder on validation warnings too.

    Returns
    -------
    list of Path
        Every file written, in order.

    Raises
    ------
    ValidationFailed
        When validation finds errors (nothing is written).
    OutputError
        When an output file cannot be written.

    Examples
    --------
    >>> import tempfile
    >>> written = build("geodata", tempfile.mkdtemp())  # doctest: +SKIP
    >>> written[0].name  # doctest: +SKIP
    'index.html'
    """
    from heritage_mapper.geodata import load_geodata
    from heritage_mapper.render import build_maps

    geodata = load_geodata(geodata_dir, strict=strict)
    return build_maps(geodata, maps_dir)
