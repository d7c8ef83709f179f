"""samenbot: the Telegram bot of the SAMENredzaam mutual-care programme."""

import os

# Opt in to python-telegram-bot's coming behaviour now: durations such as RetryAfter's
# retry_after and a voice message's duration are datetime.timedelta (PTB 22.2+ warns otherwise).
os.environ.setdefault("PTB_TIMEDELTA", "1")
