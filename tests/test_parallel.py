"""parallel.parallel_map's ``forget`` and chunks: what the workers drop after the fork, in a fresh interpreter.

A fresh interpreter because pytest's process may run other threads (the browser tests'
Playwright driver), and parallel_map rightly stays serial then.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_script(script: str) -> None:
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr


def test_the_workers_empty_their_copies_of_what_they_forget_and_this_process_keeps_its_own() -> None:
    run_script(
        "import os\n"
        "from familiensite.parallel import parallel_map\n"
        "bodies = ['x' * 5000 for _ in range(300)]\n"
        "keys = {n: str(n) for n in range(300)}\n"
        "kept = list(range(1000, 2000))\n"
        "results = parallel_map(lambda n: (os.getpid(), len(bodies), len(keys), kept[n]), list(range(1000)), workers=2, forget=(bodies, keys))\n"
        "worker = [r for r in results if r[0] != os.getpid()]\n"
        "own = [r for r in results if r[0] == os.getpid()]\n"
        "assert worker and own\n"
        "assert {(b, k) for _, b, k, _ in worker} == {(0, 0)}, 'a worker still has what it forgot'\n"
        "assert {(b, k) for _, b, k, _ in own} == {(300, 300)}, 'this process lost its own'\n"
        "assert [r[3] for r in results] == [kept[n] for n in range(1000)]\n"
        "assert len(bodies) == 300 and len(keys) == 300\n"
        "print('ok')\n"
    )


def test_a_large_share_goes_to_the_worker_in_chunks_of_at_most_max_chunk_items() -> None:
    run_script(
        "import os\n"
        "from familiensite import parallel\n"
        "seen = []\n"
        "def chunk(bounds):\n"
        "    seen.append(bounds)\n"
        "    return original(bounds)\n"
        "original, parallel._run_chunk = parallel._run_chunk, chunk\n"
        "results = parallel.parallel_map(lambda n: (n, os.getpid(), len(seen)), list(range(3000)), workers=2)\n"
        "assert [n for n, _, _ in results] == list(range(3000))\n"
        "worker = [(n, chunks) for n, pid, chunks in results if pid != os.getpid()]\n"
        "assert len(worker) == 1500\n"
        "assert max(chunks for _, chunks in worker) == -(-1500 // parallel.MAX_CHUNK), 'not in chunks of MAX_CHUNK'\n"
        "print('ok')\n"
    )


def test_early_workers_are_forked_before_what_comes_later_and_give_the_results_in_order() -> None:
    run_script(
        "import os\n"
        "from familiensite import parallel\n"
        "def probe(n):\n"
        "    return (n * n, os.getpid(), 'late' in globals())\n"
        "with parallel.early_workers(1000):\n"
        "    late = ['x' * 1000 for _ in range(1000)]  # made after the fork: the workers do not hold it\n"
        "    results = parallel.parallel_map(probe, list(range(1000)), workers=2, remote=probe)\n"
        "    local = parallel.parallel_map(probe, list(range(300)), workers=2)  # no remote form: here, in order\n"
        "assert [r[0] for r in results] == [n * n for n in range(1000)]\n"
        "worker = [r for r in results if r[1] != os.getpid()]\n"
        "own = [r for r in results if r[1] == os.getpid()]\n"
        "assert len(worker) == 500 and len(own) == 500, (len(worker), len(own))\n"
        "assert not any(r[2] for r in worker), 'a worker holds what was made after early_workers began'\n"
        "assert all(r[2] for r in own)\n"
        "assert [r[0] for r in local] == [n * n for n in range(300)] and {r[1] for r in local} == {os.getpid()}\n"
        "assert parallel._early is None\n"
        "print('ok')\n"
    )


def test_an_error_in_an_early_worker_is_raised_here_with_its_traceback() -> None:
    run_script(
        "import traceback\n"
        "from familiensite import parallel\n"
        "def fails_at_fifty(n):\n"
        "    if n == 50:\n"
        "        raise ValueError('fünfzig')\n"
        "    return n\n"
        "with parallel.early_workers(1000):\n"
        "    try:\n"
        "        parallel.parallel_map(fails_at_fifty, list(range(1000)), workers=2, remote=fails_at_fifty)\n"
        "    except ValueError as error:\n"
        "        assert 'fails_at_fifty' in ''.join(traceback.format_tb(error.__traceback__))\n"
        "    else:\n"
        "        raise AssertionError('no error')\n"
        "print('ok')\n"
    )


def test_a_small_build_or_one_worker_starts_no_early_workers() -> None:
    run_script(
        "import os\n"
        "from familiensite import parallel\n"
        "with parallel.early_workers(parallel.MIN_ITEMS - 1):\n"
        "    assert parallel._early is None\n"
        "os.environ['FAMILIENSITE_WORKERS'] = '1'\n"
        "with parallel.early_workers(100000):\n"
        "    assert parallel._early is None\n"
        "print('ok')\n"
    )


def test_a_single_item_stays_here_with_or_without_early_workers() -> None:
    run_script(
        "import os\n"
        "from familiensite import parallel\n"
        "parallel.MIN_ITEMS = 1\n"
        "def plus_one(n):\n"
        "    return (n + 1, os.getpid())\n"
        "assert parallel.parallel_map(plus_one, [41], workers=2) == [(42, os.getpid())]\n"
        "with parallel.early_workers(1):\n"
        "    assert parallel._early is not None\n"
        "    assert parallel.parallel_map(plus_one, [41], workers=2, remote=plus_one) == [(42, os.getpid())]\n"
        "print('ok')\n"
    )
