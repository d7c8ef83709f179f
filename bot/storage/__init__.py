"""The storage layer: every SQL statement of samenbot lives in this package."""
