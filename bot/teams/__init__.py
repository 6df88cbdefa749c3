"""Microsoft Teams: the bot at /api/messages, proactive Adaptive Cards, CMT digests.

`platform.platform(settings)` is the one factory the wiring calls.
"""
