"""The command line: the only code that touches argv, files, standard input and processes.

``_main`` parses the command; ``_inputs`` reads files in blocks; ``_batch``
is the one runner that checks or scores them, here or in worker processes;
``_outputs`` writes what it makes; ``_take`` and ``_report`` are commands of
their own.
"""

from blunting._cli._main import main, run

__all__ = ["main", "run"]
