"""Write the README's table of finding codes from the registry (heritage_mapper/rules.py).

The table sits between ``<!-- rules:start -->`` and ``<!-- rules:end -->`` in README.md;
tests/test_rules.py fails when it differs from :func:`heritage_mapper.rules.markdown_table`.

Usage (from the repository root)::

    PYTHONPATH=src python scripts/codes_table.py          # rewrite the block in README.md
    PYTHONPATH=src python scripts/codes_table.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from heritage_mapper.rules import markdown_table

START = "<!-- rules:start -->"
END = "<!-- rules:end -->"
README = Path(__file__).resolve().parents[1] / "README.md"


def readme_block(text: str) -> str:
    """The text between the markers (without them, stripped of surrounding newlines)."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README.md needs the markers {START} and {END}, in that order")
    return text[start + len(START) : end].strip("\n")


def with_table(text: str, table: str) -> str:
    """``text`` with the block between the markers replaced by ``table``."""
    readme_block(text)  # check the markers
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    new = with_table(text, markdown_table())
    if args.check:
        if new != text:
            print(f"{args.readme}: the table of codes is out of date", file=sys.stderr)
            return 1
        return 0
    if new != text:
        args.readme.write_text(new, encoding="utf-8")
        print(f"{args.readme}: table of codes rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
