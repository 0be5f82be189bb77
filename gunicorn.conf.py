"""gunicorn's settings for the tracker: gunicorn reads this file when started in the checkout (its default
./gunicorn.conf.py), or give it with `--config /path/to/gunicorn.conf.py`.

gunicorn believes X-Forwarded-Proto (and so answers as HTTPS, with HSTS and Secure cookies) only from the
addresses in forwarded_allow_ips: by default those of this machine, so any local client could claim HTTPS over
plain HTTP. Here nobody, unless TRACKER_PROXY_COUNT says a reverse proxy is in front (tracker/config.py)."""
from tracker.config import forwarded_allow_ips as _allowed

forwarded_allow_ips = _allowed()
