"""The ``ontolabel`` command line: thin Typer commands over the services."""
