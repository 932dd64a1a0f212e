"""``python -m blunting``: the command line."""

from blunting._cli import run

run()
