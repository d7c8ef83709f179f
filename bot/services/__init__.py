"""Rules of the programme as plain async functions; no Telegram imports here."""
