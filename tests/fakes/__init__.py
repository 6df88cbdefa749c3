"""Local stand-ins for the services perfbot talks to, each speaking the real protocol on 127.0.0.1.

Every HTTP fake runs on `server.LocalServer` (a threaded server on a free port, TLS from `tls.LocalCA`
when asked, context-managed); the protocol fakes (identity, botframework, sharepoint, graph_mail,
workflows, lginform) extend `server.FakeServer`, which adds a call log and injected faults (429 +
`Retry-After`). `slack_api` keeps its own per-method log, faults and rate tiers in Slack's shapes.
`smtp_server` is aiosmtpd; `uvicorn_server` serves perfbot's own ASGI app to real HTTP clients.
"""
