"""The e-mail channel: requests, reminders, chases, digests and alerts by e-mail, through
Microsoft Graph `sendMail` or an SMTP server. `platform.platform(settings)` is the factory the wiring calls.
"""
