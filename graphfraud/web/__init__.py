"""The investigator workbench: ``graphfraud serve`` — rings, entities, graphs and the case trail in a browser.

Server-rendered pages (FastAPI + Jinja2), Chinese by default, offline (every
script is served by the workbench itself), bound to this computer unless an
access token is set. See ``docs/workbench.md``.
"""
