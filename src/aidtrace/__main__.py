"""``python -m aidtrace`` is the ``aidtrace`` command."""
from .cli import main

main()
