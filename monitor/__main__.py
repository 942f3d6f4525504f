"""``python -m monitor`` is the medradar command line."""

from monitor.cli import main

main(prog_name="medradar")
