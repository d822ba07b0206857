"""Sub-commands of the ``cskpi`` command line, one module each."""
