"""Prometheus metrics, computed from the job store at scrape time.

Nothing is counted in the API process itself, so the figures are right whichever
process ran the jobs (embedded pool, Celery workers) and survive restarts:

- ``syndata_jobs_total{status}``: jobs by status (counter; a job moves between statuses)
- ``syndata_project_jobs_total{project,status}``: the same per project
- ``syndata_generation_duration_seconds``: time taken by completed generate and sample jobs
- ``syndata_rows_generated_total``: rows written by completed generate and sample jobs
- ``syndata_queue_depth``: jobs waiting in the queue
- ``syndata_jobs_running``: jobs being run now
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from syndata.jobs.job import STATUSES
from syndata.jobs.store import JobStore

DURATION_BUCKETS: tuple[float, ...] = (1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


class StoreCollector(Collector):
    """Reads the figures from the store on every scrape."""

    def __init__(
        self, store: Callable[[], JobStore], buckets: Sequence[float] = DURATION_BUCKETS
    ) -> None:
        self._store = store
        self._buckets = tuple(sorted(buckets))

    def collect(self) -> Iterator[Metric]:
        """The metric families, from one read of the store."""
        store = self._store()
        stats = store.stats()
        durations = store.durations()
        jobs = CounterMetricFamily("syndata_jobs", "Total number of jobs", labels=["status"])
        for status in STATUSES:
            jobs.add_metric([status], float(stats["jobs"].get(status, 0)))
        yield jobs
        per_project = CounterMetricFamily(
            "syndata_project_jobs", "Total number of jobs per project", labels=["project", "status"]
        )
        for project, counts in sorted(store.project_counts().items()):
            for status in STATUSES:
                per_project.add_metric([project, status], float(counts.get(status, 0)))
        yield per_project
        yield HistogramMetricFamily(
            "syndata_generation_duration_seconds",
            "Time taken to generate data (completed generate and sample jobs)",
            buckets=self._histogram(durations),
            sum_value=float(sum(durations)),
        )
        yield CounterMetricFamily(
            "syndata_rows_generated", "Total rows generated", value=float(stats["rows_generated"])
        )
        yield GaugeMetricFamily(
            "syndata_queue_depth", "Jobs waiting in the queue", value=float(stats["queue_depth"])
        )
        yield GaugeMetricFamily(
            "syndata_jobs_running", "Jobs being run now", value=float(stats["running"])
        )

    def _histogram(self, durations: Sequence[float]) -> list[tuple[str, float]]:
        values = sorted(durations)
        buckets = [(_bound(b), float(sum(1 for v in values if v <= b))) for b in self._buckets]
        buckets.append(("+Inf", float(len(values))))
        return buckets


def _bound(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def registry_for(store: Callable[[], JobStore]) -> CollectorRegistry:
    """A registry holding only the store's metrics (one per app, never the global one)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(store))
    return registry


def exposition(registry: CollectorRegistry) -> bytes:
    """The Prometheus text exposition of ``registry``."""
    return generate_latest(registry)
