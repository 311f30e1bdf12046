"""``python -m graphfraud`` runs the command-line interface."""

from graphfraud.cli import main

main()
