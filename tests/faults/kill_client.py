"""A client process for the kill -9 test: opens the Store in ``argv[1]`` and runs the sync
engine against ``argv[2]`` in a loop (``loop``: until killed; ``finish``: until one run
finishes, then exits 0). The device token comes in ``KABAR_TEST_TOKEN``."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    data_dir, url, mode = argv[1], argv[2], argv[3]
    from sync.engine import SyncEngine
    from sync.store import Store
    from sync.transport import Transport

    store = Store.open(Path(data_dir))
    transport = Transport(
        url,
        token=os.environ["KABAR_TEST_TOKEN"],
        app_version="0.1.0",
        timeout=(1.0, 2.0),
        attempts=2,
        sleep=lambda _s: None,
    )
    engine = SyncEngine(store, transport, batch_size=int(os.environ.get("KABAR_TEST_BATCH", "3")))
    print("ready", flush=True)
    try:
        for _ in range(1_000):
            report = engine.run()
            print(
                f"run finished={report.finished} pushed={report.pushed} pulled={report.pulled}",
                flush=True,
            )
            if mode == "finish" and report.finished:
                return 0
        return 1
    finally:
        transport.close()
        store.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
