"""SharePoint lists as forms: provisioning, one row per measure per round, polling, uploads.

`platform.platform(settings)` is the one factory the wiring calls: its channel (the round's rows, sent
through the outbox when a round opens) and its poller (edited rows in), when SHAREPOINT_SITE_URL
and the M365 app registration are set. Both use one client, made when first needed.
"""
