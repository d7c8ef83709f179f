"""Sending what the bot says on its own initiative: the outbox worker."""
