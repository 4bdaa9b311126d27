# gunicorn settings for Một Cửa (docs/deploy.md). Installed as /srv/motcua/gunicorn.conf.py and
# started by motcua-web.service: gunicorn --config /srv/motcua/gunicorn.conf.py wsgi:application
import multiprocessing

# nginx on the same machine talks to gunicorn over loopback only.
bind = "127.0.0.1:8000"
# Sync workers: every request is short (a page, a PDF of a few pages); 2 per core plus one.
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "sync"
# The ISO pack and a year's logbook can take several seconds to build.
timeout = 120
graceful_timeout = 30
# Recycle workers now and then (memory kept by reportlab and openpyxl between requests).
max_requests = 2000
max_requests_jitter = 200
# Start the app before forking: a wrong configuration stops the service at once, with the reason.
preload_app = True
# Access log without query strings, referers or status-link tokens: a clerk's search (?q=, also in the referer
# of the next page) may hold a citizen's name, and /tra-cuu/<token> is the citizen's key (docs/security.md).
# The app's logger class blanks them whatever the format says; %(U)s is the path with the token replaced,
# %({x-forwarded-for}i)s the client address nginx passed on.
accesslog = "-"
logger_class = "app.web.access_log.PrivateAccessLogger"
access_log_format = '%({x-forwarded-for}i)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = "info"
# Only nginx, on this machine, may set X-Forwarded-*; the app trusts one proxy (PROXY_COUNT = 1).
forwarded_allow_ips = "127.0.0.1"
