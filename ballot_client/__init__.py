"""Voter and committee clients: the browser core (``js/``) and the Python client and CLI."""
