"""Microsoft Teams: the bot at /api/messages, proactive Adaptive Cards, CMT digests."""
