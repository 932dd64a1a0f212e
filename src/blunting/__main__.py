"""``python -m blunting``: the command line."""

from blunting._cli import run

if __name__ == "__main__":  # not when a worker process re-imports the main module
    run()
