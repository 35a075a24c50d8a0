"""Prefect flows and the command line: the only place that imports Prefect.

The flows are thin: each task calls one plain function of :mod:`sib_nlp.pipeline`.
"""
