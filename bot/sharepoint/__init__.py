"""SharePoint lists as forms: provisioning, one row per measure per round, polling, uploads."""
