"""The vocabularies several layers share, as data: series, explain methods, frequencies.

This package sits at the top of the data flow (DESIGN.md §2): it imports nothing from bilateral
but ``errors``, so the case validator, the measure layer, explain and the faces all read the same
tables.
"""
