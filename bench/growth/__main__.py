"""`python -m bench.growth`: the growth benchmark on its own (see bench/growth/__init__.py)."""

from bench.growth import main

main()
