"""The bare PySide6 one-window program Kabar's start-up is measured against: benchmarks.startup
runs it from source, benchmarks.bundle bundles it the same way as Kabar."""

import json
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv)
w = QMainWindow()
w.setWindowTitle("bare")
w.resize(1280, 720)
w.show()


def idle() -> None:
    rss = 0
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    print("KABAR_IDLE " + json.dumps({"rss_kb": rss}), flush=True)
    app.quit()


QTimer.singleShot(0, idle)
app.exec()
