"""Rule packs shipped as Python packages: the bundled qinghemen pack, and any other.

A rule pack is a folder (``pack.yaml`` and ``art_NNN.yaml`` files, see docs/rule-format.md). To
ship one with pip, put it inside a Python package and register that package under the entry-point
group ``hezhang_rules.packs`` (a town's measures, say)::

    [project.entry-points."hezhang_rules.packs"]
    mytown = "mytown_rules.pack"

The bundled pack, ``qinghemen``, is this package's ``qinghemen`` folder, found without metadata
(:data:`hezhang_rules.rules.packs.BUILTIN`).

The package's folder is the pack (found with :mod:`importlib.resources`), and may hold its golden
cases in ``cases/``, its source text and an example district in ``example/``. Nothing else is
needed: a town's own measures can be their own pip package and are then found by name.
"""
