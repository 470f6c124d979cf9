"""Run the batch on a Dask distributed cluster.

Each Dask task analyses one document exactly like the local engine: inside the Dask worker, a
one-slot ``Supervisor`` (kept per worker thread and recycled as usual) runs the document in its
own resource-limited process, so a hostile file kills that process, never the Dask worker. The
task returns the same ``DocumentOutcome`` as a local worker; the client writes the outputs and the
store. Inputs must be readable at the same path on every Dask worker (shared file system).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from typing import Any

from analyzer.batch.limits import Limits
from analyzer.batch.models import DocumentOutcome, Task
from analyzer.statuses import CRASHED, FATAL

_LOCAL = threading.local()


def analyse_on_worker(task: Task, limits: Limits,
                      options: dict[str, Any]) -> DocumentOutcome:
    """Dask task: analyse one document in an isolated child process of this Dask worker."""
    import multiprocessing

    from analyzer.batch.pool import Supervisor, WorkerStartError, failure

    # Dask worker processes are daemonic, and multiprocessing refuses children to daemons. Our
    # children die with their parent anyway (PR_SET_PDEATHSIG), so lift the flag.
    current = multiprocessing.current_process()
    if current._config.get("daemon"):  # type: ignore[attr-defined]
        current._config["daemon"] = False  # type: ignore[attr-defined]
    key = (repr(limits), repr(sorted(options.items())))
    supervisor = getattr(_LOCAL, "supervisor", None)
    if supervisor is None or getattr(_LOCAL, "key", None) != key:
        if supervisor is not None:
            supervisor.close()
        supervisor = Supervisor(1, limits, options)
        _LOCAL.supervisor, _LOCAL.key = supervisor, key
    try:
        for _, result in supervisor.run([dataclasses.replace(task)]):
            return result
    except WorkerStartError as e:  # stops the batch on the client, as with the local engine
        _LOCAL.supervisor = None
        return failure(FATAL, f"the analysis workers cannot start: {e}", 0.0)
    raise RuntimeError("no result")  # pragma: no cover


def run_dask(tasks: list[Task], *, scheduler: str | None, jobs: int, limits: Limits,
             options: dict[str, Any]) -> Iterator[tuple[Task, DocumentOutcome]]:
    """Submit every task to the cluster and yield ``(task, result)`` as they complete."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as e:  # pragma: no cover
        from analyzer.errors import BatchError

        raise BatchError("--engine dask needs the 'dask' extra: "
                         "pip install 'hds-analyzer[dask]'") from e
    from analyzer.batch.pool import failure

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=50)
        client = Client(cluster)
    try:
        futures: dict[Any, Task] = {}
        for task in tasks:
            future = client.submit(analyse_on_worker, task, limits, options, pure=False,
                                   key=f"hds-{task.sha256[:16]}-{len(futures)}")
            futures[future] = task
        for future in as_completed(futures):
            task = futures[future]
            try:
                result = future.result()
            except Exception as e:  # the Dask worker itself died or the task failed
                result = failure(CRASHED, f"crashed: Dask task failed ({type(e).__name__}: "
                                 f"{str(e)[:200]})", 0.0)
            future.release()
            yield task, result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
