"""The rule pack of 《清河门区河长制工作管理办法》 (2020).

This folder is the pack (pack.yaml and one art_NNN.yaml per article), with the text it encodes
(``regulation/``), its golden cases (``cases/``) and an example district (``example/``). Data
only: :mod:`hezhang_rules.rules.packs` finds it as the bundled pack ``qinghemen``.
"""
