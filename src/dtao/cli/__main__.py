"""``python -m dtao.cli``."""

from dtao.cli import main

main()
