"""The web channel: returns form, case studies, the officer's console and the CMT dashboard.

`routes.mount(app, settings, asgi)` adds it to perfbot's one ASGI app (see perfbot/server.py).
"""
