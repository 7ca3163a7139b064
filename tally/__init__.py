"""The pure election library of Phiếu Kín.

Cryptographic primitives (``tally.crypto``), ballots, records and their canonical encoding,
homomorphic aggregation, and the rule engine (``tally.rules``). Pure: no I/O, no network,
no database, and no import of any other project package.
"""
