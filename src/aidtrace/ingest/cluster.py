"""Extraction on the workers of a Dask distributed cluster; the client stores into the registry.

    aidtrace ingest SOURCES --db postgresql://... --cluster tcp://scheduler:8786
    aidtrace ingest SOURCES --cluster local:4        # a LocalCluster of 4 worker processes

    with connect("local:2") as client:
        report = ingest(sources, engine, extract=cluster_extractor(client))

The client reads the sources, skips documents already stored, sends batches of documents to
the workers and stores each document's facts in its own transaction, exactly as a local
ingest does (``ingest/run.py``). Results come back in any order (``as_completed``) but are
handed to storage in input order, so a run is the same run whatever the cluster: the first of
two identical documents is the one stored, as in a plain ingest, and a client killed at any
moment resumes where the registry says it stopped. Only a bounded window of batches is in
flight or waiting, so the client's memory does not grow with the corpus.

A worker that dies takes its batches with it; the scheduler gives them to another worker (a
batch that kills more workers than Dask's ``allowed-failures``, 3, is reported as failed, its
documents stored by no one). A lost scheduler ends the run with a one-line error; running it
again completes it.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

import dask
from distributed import Client, Future, LocalCluster, WorkerPlugin, as_completed

from .. import DEFAULT_MODEL
from ..model import Document

if TYPE_CHECKING:
    from ..facts import DocumentFacts
    from .run import Extractor

# Documents per task: enough that nlp.pipe batches and the per-task cost of the scheduler
# (a few ms) is small against the extraction (1-3 s), few enough that a dead worker loses little.
BATCH_SIZE = 16
# Tasks in flight or waiting to be stored, per worker thread: one running, one queued on the
# worker so it never idles between tasks, one finished waiting for storage.
TASKS_PER_THREAD = 3
MIN_WINDOW = 4
# How often the window follows workers joining or leaving a running scheduler.
WINDOW_REFRESH_SECONDS = 10.0
# How long the client tries to reach a remote scheduler.
CONNECT_SECONDS = 15
# How long the client waits for the first worker of a remote scheduler.
WORKER_WAIT_SECONDS = 120
SCHEMES = ("tcp://", "tls://", "ws://", "wss://", "inproc://", "ucx://")
PLUGIN_NAME = "aidtrace-pipeline"
PROFILER_CALLBACKS = ("profile", "profile-cycle")  # names of the profiler's periodic callbacks on a Worker
# Dask's housekeeping, slowed for processes that share a few cores with extraction. By default
# every scheduler, nanny and worker checks its event loop every 20 ms and samples the host
# every 500 ms: measured on 2 cores, an idle LocalCluster of 2 workers then burns 0.07 CPU s
# per second (0.024 with these), which the extracting workers lose. Every callback still runs,
# only less often: the memory limits are checked every second instead of ten times a second,
# a blocked event loop is still reported (after tick.limit, 3 s). Applied to this process and
# to the local:N cluster it starts; a team's scheduler and workers read the same settings
# from the environment (docs/scaling.md).
DASK_SETTINGS = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}
# The same intervals (ms) for the periodic callbacks of a worker started without the settings:
# the event-loop check and the system monitor (which only feeds the dashboard).
WORKER_CALLBACK_MS = {"tick": 1000.0, "monitor": 5000.0}


class ClusterError(RuntimeError):
    """The cluster cannot be used or was lost; str() is one line saying what to do."""


@dataclass(frozen=True)
class ClusterSpec:
    """What ``--cluster`` names: a scheduler's address, or a local cluster of N workers."""

    address: str | None = None
    local_workers: int | None = None


def parse_cluster(spec: str) -> ClusterSpec:
    """``tcp://HOST:PORT`` (any Dask scheme) or ``local:N``; anything else is a ClusterError."""
    spec = spec.strip()
    if spec.lower().startswith("local:"):
        count = spec.partition(":")[2]
        if not count.isdigit() or int(count) < 1:
            raise ClusterError(f"--cluster {spec!r}: local:N needs a number of workers N >= 1")
        return ClusterSpec(local_workers=int(count))
    if spec.lower().startswith(SCHEMES) and len(spec.partition("://")[2]) > 0:
        return ClusterSpec(address=spec)
    raise ClusterError(f"--cluster {spec!r}: expected tcp://HOST:PORT (a Dask scheduler) or local:N")


class PipelinePlugin(WorkerPlugin):
    """Loads the spaCy pipeline once per worker process, when the worker starts (or at once on
    the workers already running): ``load_pipeline`` is memoised, so every task of the process
    reuses it and none pays the load."""

    name = PLUGIN_NAME

    def __init__(self, model: str) -> None:
        self.model = model

    def setup(self, worker) -> None:  # noqa: ANN001 (distributed's Worker)
        from ..pipeline import load_pipeline

        load_pipeline(self.model)
        # Dask's statistical profiler samples the extracting thread's stack every 10 ms; measured
        # here it doubles an idle worker's CPU and slows a busy Python thread by ~9 %. Nobody
        # reads the profile of an extraction worker: stop it (setup runs on the worker's loop).
        for name in PROFILER_CALLBACKS:
            callback = worker.periodic_callbacks.pop(name, None)
            if callback is not None:
                callback.stop()
        # A worker started without DASK_SETTINGS: slow its housekeeping the same way (a
        # PeriodicCallback reads callback_time each time it schedules its next run).
        for name, interval in WORKER_CALLBACK_MS.items():
            callback = worker.periodic_callbacks.get(name)
            if callback is not None and callback.callback_time < interval:
                callback.callback_time = interval


def _extract_batch(model: str, documents: list[Document]) -> list:
    """The task run on a worker: a batch of documents, their facts (or ExtractionError) in order."""
    from ..runner import _extract_chunk

    return _extract_chunk(model, documents)


@contextmanager
def connect(spec: str, model: str = DEFAULT_MODEL) -> Iterator[Client]:
    """A Dask client on the cluster ``spec`` names, its workers with the pipeline loaded.

    ``local:N`` starts (and at the end stops) N worker processes of one thread each on this
    host; an address connects to a running scheduler and waits for its first worker.
    """
    parsed = parse_cluster(spec)
    with _quiet_client_log(), dask.config.set(DASK_SETTINGS):
        cluster = None
        try:
            if parsed.local_workers is not None:
                cluster = LocalCluster(n_workers=parsed.local_workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, silence_logs=logging.CRITICAL)
                client = Client(cluster)
            else:
                client = Client(parsed.address, timeout=CONNECT_SECONDS)
        except OSError as error:
            if cluster is not None:
                cluster.close()
            raise ClusterError(f"cannot reach the Dask scheduler at {spec}: {_first_line(error)}") from error
        try:
            if parsed.address is not None:
                try:
                    client.wait_for_workers(1, timeout=WORKER_WAIT_SECONDS)
                except TimeoutError as error:
                    raise ClusterError(f"no worker joined the scheduler at {spec} within {WORKER_WAIT_SECONDS} s "
                                       f"(start some: dask worker {spec} --nworkers N)") from error
            try:
                client.register_plugin(PipelinePlugin(model), name=PLUGIN_NAME)
            except Exception as error:  # noqa: BLE001 (whatever a worker raised: no model, no aidtrace)
                raise ClusterError(f"a worker cannot load the pipeline: {_first_line(error)}") from error
            yield client
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


@contextmanager
def _quiet_client_log() -> Iterator[None]:
    """Keep the Dask client from logging a traceback per failed reconnection: a lost cluster
    is reported by the run itself, in one line."""
    logger = logging.getLogger("distributed.client")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _lost(error: BaseException) -> ClusterError:
    return ClusterError(f"lost the Dask cluster ({_first_line(error)}); run the same ingest again to complete it")


def _window(client: Client) -> int:
    """Tasks kept in flight or waiting: TASKS_PER_THREAD per worker thread of the cluster now."""
    try:
        threads = sum(client.nthreads().values())
    except (CancelledError, OSError) as error:
        raise _lost(error) from error
    return max(MIN_WINDOW, TASKS_PER_THREAD * threads)


def _batches(items: Iterable[Document | Exception], size: int) -> Iterator[list[Document | Exception]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _in_input_order(batch: list[Document | Exception], results: list) -> Iterator["DocumentFacts | Exception"]:
    """A batch's input errors put back between its documents' results."""
    produced = iter(results)
    for item in batch:
        yield next(produced) if isinstance(item, Document) else item


def _failed_batch(documents: list[Document], error: BaseException) -> list[Exception]:
    """One error per document of a batch the cluster could not extract (it killed its workers)."""
    from ..runner import ExtractionError

    reason = f"{type(error).__name__}: {_first_line(error)}"
    return [ExtractionError(f"{document.id}: extraction failed on the cluster: {reason}") for document in documents]


def extract_on_cluster(
    client: Client,
    items: Iterable[Document | Exception],
    model: str = DEFAULT_MODEL,
    batch_size: int = BATCH_SIZE,
    window: int | None = None,
) -> Iterator["DocumentFacts | Exception"]:
    """Facts of every document (or an error in its place), in input order, extracted by the
    workers of ``client``'s cluster; input errors pass through. At most ``window`` batches are
    in flight or finished and not yet consumed (by default TASKS_PER_THREAD per worker thread,
    following the workers as they join and leave)."""
    limit = window or _window(client)
    limit_checked = time.monotonic()
    run = uuid.uuid4().hex  # task keys unique on a scheduler other clients share
    batches = enumerate(_batches(items, batch_size))
    waiting: dict[int, list[Document | Exception]] = {}  # submitted batches, by input position
    finished: dict[int, list] = {}  # their results, until every earlier batch is handed on
    index_of: dict[Future, int] = {}
    completed = as_completed()
    next_out = 0
    exhausted = False

    def submit_more() -> None:
        nonlocal exhausted, limit, limit_checked
        if window is None and time.monotonic() - limit_checked >= WINDOW_REFRESH_SECONDS:
            limit, limit_checked = _window(client), time.monotonic()
        while not exhausted and len(waiting) < limit:
            found = next(batches, None)
            if found is None:
                exhausted = True
                return
            index, batch = found
            waiting[index] = batch
            documents = [item for item in batch if isinstance(item, Document)]
            if not documents:
                finished[index] = []
                continue
            future = client.submit(_extract_batch, model, documents, pure=False, key=f"aidtrace-extract-{run}-{index}")
            index_of[future] = index
            completed.add(future)

    submit_more()
    while waiting:
        while next_out not in finished:
            future = next(completed)  # batch next_out is waiting and not finished: it has a future
            index = index_of.pop(future)
            documents = [item for item in waiting[index] if isinstance(item, Document)]
            try:
                finished[index] = future.result()
            except (CancelledError, OSError) as error:
                raise _lost(error) from error
            except Exception as error:  # noqa: BLE001 (KilledWorker, or a task the workers could not run)
                finished[index] = _failed_batch(documents, error)
            finally:
                future.release()
        batch = waiting.pop(next_out)
        results = finished.pop(next_out)
        next_out += 1
        submit_more()  # before handing on the batch: workers stay busy while the client stores
        yield from _in_input_order(batch, results)


def cluster_extractor(client: Client, model: str = DEFAULT_MODEL, batch_size: int = BATCH_SIZE) -> "Extractor":
    """An ``extract`` for ``ingest``/``reextract_all`` running on ``client``'s cluster."""
    def extract(items: Iterable[Document | Exception]) -> Iterator["DocumentFacts | Exception"]:
        return extract_on_cluster(client, items, model=model, batch_size=batch_size)

    return extract
