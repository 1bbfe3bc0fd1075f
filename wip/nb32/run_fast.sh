#!/usr/bin/env bash
# FAST-mode execution of the draft: outputs (notebook, figures, results) under build/nb32/.
set -e
cd "$(dirname "$0")/../.."
mkdir -p build/nb32
export COURSE_OUTPUT_DIR="$PWD/build/nb32"
cd wip/nb32
../../.venv/bin/python - <<'PY'
import time, resource, papermill
t = time.time()
try:
    papermill.execute_notebook("32_efficiency_and_scale.ipynb", "../../build/nb32/32_efficiency_and_scale.ipynb",
                               parameters={"FAST": True}, cwd=".", progress_bar=False,
                               request_save_on_cell_execute=False)
finally:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"wall {time.time() - t:.0f} s, kernel + workers CPU {ru.ru_utime + ru.ru_stime:.1f} s")
PY
