# /srv/motcua/instance/config.py: settings that are not secrets (docs/deploy.md, README "Configuration").
# Secrets (SECRET_KEY, the database password) stay in /etc/motcua/motcua.env.

# nginx on the same machine sets X-Forwarded-For/-Proto/-Host: trust exactly one proxy, and only from loopback
# (a client reaching gunicorn's port directly must not name its own address).
PROXY_COUNT = 1
TRUSTED_PROXIES = "127.0.0.1,::1"
# The rate-limit counters are in the database, shared by every worker and server. A large site that runs Redis
# anyway may keep them there instead (needs the redis package).
# RATELIMIT_STORAGE_URI = "redis://10.0.0.5:6379/0"
# E-mail for the outbox (notifications to staff); SMS through a provider class.
MAIL_SERVER = "smtp.example.gov.vn"
MAIL_PORT = 587
MAIL_USE_TLS = True
MAIL_FROM = "motcua@example.gov.vn"
SMS_SENDER = "log"
