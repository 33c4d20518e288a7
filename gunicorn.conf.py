"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`. Every value can be set from the environment."""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # behind the reverse proxy, never public
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
max_requests = 2000  # recycle workers now and then
max_requests_jitter = 200
preload_app = False  # each worker opens its own database pool
accesslog = None  # the app writes one JSON line per request (webapp/web/request_log.py)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = "127.0.0.1"  # gunicorn's own view of proxy headers; the app uses TRUST_PROXY_COUNT


def post_worker_init(worker):
    """Start the worker's outbox delivery thread now, not at its first request: e-mails queued before a
    restart (or while the SMTP server was down) leave without waiting for a visitor."""
    from webapp.mail.delivery import start_background_delivery

    start_background_delivery(worker.wsgi)


def on_starting(server):
    """Refuse several workers that would each count the rate limits alone (memory:// in production)."""
    import config

    problem = config.several_workers_problem(server.cfg.workers)
    if problem:
        raise SystemExit(problem)
