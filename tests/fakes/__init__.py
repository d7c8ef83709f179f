"""Test helpers: a bot harness around the shipped simulator, and a fixed clock."""
