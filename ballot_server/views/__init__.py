"""Thin request handlers: parse, call the meeting service, answer JSON or a page."""
