"""Thin conversation handlers: parse, check access, ask one service, answer."""
