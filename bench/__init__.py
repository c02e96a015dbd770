"""Side-by-side benchmark of the ontolabel server against Label Studio (see README.md)."""
