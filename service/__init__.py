"""The application layer: the workflows both front ends (``cli.py`` and the HTTP layer ``web/``) call.

Each workflow takes a data directory and plain arguments, calls the library
(``index/``, ``models/``) and returns data; front ends only parse input and print
or render. Library errors (:class:`nlp.errors.JixiaoError`) pass through unchanged.
"""
