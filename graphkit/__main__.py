"""`python -m graphkit` is the `graphkit` command."""

from graphkit.cli import main

main()
