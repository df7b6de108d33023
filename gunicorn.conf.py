"""gunicorn settings for intake: `gunicorn -c gunicorn.conf.py wsgi:app`.

Sync workers: on SQLite they beat threads (bench/README.md); on PostgreSQL they are
simple and predictable. Every value can be overridden on the command line.

A sync worker serves one request from its first byte to its last, so a client that sends
slowly holds it: in production gunicorn runs behind nginx (deploy/nginx/), which reads
each request whole before passing it on. Measured in bench/slow_clients.py: 3 slow
sockets stall 2 bare sync workers; behind nginx 16 of them cost nothing.
"""

import multiprocessing
import os

# loopback (or a unix socket, unix:/run/intake/gunicorn.sock): only nginx reaches the app,
# never 0.0.0.0 (a client reaching gunicorn directly would skip nginx's protections)
bind = os.environ.get("INTAKE_BIND", "127.0.0.1:8000")
# X-Forwarded-Proto is read only from these peers; the app's ProxyFix likewise
# (intake/security.py), from the same variable
forwarded_allow_ips = os.environ.get("INTAKE_TRUSTED_PROXY_ADDRESSES", "127.0.0.1,::1")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# import the app (and WeasyPrint, ~0.6 s) once, before forking the workers
preload_app = True
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# private links' tokens (resume, proposal, reset, invitation, unsubscribe) travel in the
# path: this logger masks them in the access and error logs (intake/private_links.py),
# and its %(r)s is the decoded path without the query string
logger_class = "intake.log.RedactingGunicornLogger"
# one line per request: the access line carries the app's endpoint and what the view
# noted (intake/log.py note(): e.g. "endpoint=prospect.step action=save_step draft=7
# step=2"), so the app writes no request line of its own under this configuration
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms %({intake.log}e)s'
os.environ.setdefault("INTAKE_REQUEST_LOG", "access")
# the control socket sits at one path per user: two servers on a host would clash
control_socket_disable = True
