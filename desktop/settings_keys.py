"""Names of the settings the desktop app keeps in the store (one place, shared with benchmarks)."""

FACILITY = "facility"
OFFICER = "officer"
LANG = "lang"
#: the provincial server this install sends to (sync arrives with the sync milestone)
SERVER_URL = "server_url"
#: an extra CA certificate file (PEM) trusted for the server, beside the OS trust store
CA_FILE = "ca_file"

#: the languages the interface ships in; the first is the default
LANGS = ("id", "en")

#: written by ``sync.engine.login_and_prepare`` (the engine owns them; the desktop reads them)
AUTH_USERNAME = "auth.username"
AUTH_VERIFIER = "auth.verifier"
AUTH_NAME = "auth.name"
AUTH_ROLE = "auth.role"

#: set by a one-time setup code (desktop/setupcode.py): the SHA-256 (hex) of the server
#: certificate and the server it belongs to; every request to that server is pinned to it
TLS_PIN_SHA256 = "tls_pin_sha256"
TLS_PIN_SERVER = "tls_pin_server"
#: "1" after a setup code was applied: the login dialog opens once the main window is up
SETUP_LOGIN_PENDING = "setup.login_pending"
