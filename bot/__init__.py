"""samenbot: the Telegram bot of the SAMENredzaam mutual-care programme."""
