"""``python -m saddlepath``: the ``saddlepath`` command line (:mod:`saddlepath.cli`)."""

from saddlepath.cli import app

if __name__ == "__main__":
    app(prog_name="saddlepath")
