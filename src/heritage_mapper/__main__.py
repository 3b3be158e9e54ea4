"""``python -m heritage_mapper``: the same as the ``heritage-mapper`` command."""

from heritage_mapper.cli import main

if __name__ == "__main__":
    main()
