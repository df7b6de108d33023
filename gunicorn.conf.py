"""gunicorn settings for intake: `gunicorn -c gunicorn.conf.py wsgi:app`.

Sync workers: on SQLite they beat threads (PERFORMANCE.md); on PostgreSQL they are
simple and predictable. Every value can be overridden on the command line.

A sync worker serves one request from its first byte to its last, so a client that sends
slowly holds it: in production gunicorn runs behind nginx (deploy/nginx/), which reads
each request whole before passing it on. Measured in bench/slow_clients.py: 3 slow
sockets stall 2 bare sync workers; behind nginx 16 of them cost nothing.
"""

import multiprocessing
import os

bind = os.environ.get("INTAKE_BIND", "127.0.0.1:8000")
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
# resume tokens are secrets that travel in the path: the logger masks them
logger_class = "intake.log.RedactingGunicornLogger"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# the control socket sits at one path per user: two servers on a host would clash
control_socket_disable = True
