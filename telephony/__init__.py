"""The line server: the separate process that owns pjsua2 and the station's phone lines, and
speaks the console's telephony protocol (docs/api.md). The web app never imports pjsua2."""
