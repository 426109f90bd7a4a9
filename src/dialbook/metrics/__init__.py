"""GET /metrics: the process's instruments (kit/metrics.py) and the caller's workspace's
queue and webhook backlog, in Prometheus' text format."""
