"""The web channel: returns form, case studies, the officer's console and the CMT dashboard.

`platform.platform(settings)` is the factory the wiring calls; its mount (`routes.mount`) adds the web to
perfbot's one ASGI app (see perfbot/server.py).
"""
