"""Icons, the .desktop file, translations and stylesheets (installed as desktop_app.resources)."""
