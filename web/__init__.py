"""The HTTP front end: a JSON API (``/api/…``, OpenAPI at ``/openapi.json``) and server-rendered pages.

It only parses requests and renders answers; every workflow is a call into :mod:`service`.
"""
