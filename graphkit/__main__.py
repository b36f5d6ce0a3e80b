"""`python -m graphkit` is the `graphkit` command."""

from graphkit.cli import app

app()
