"""Phone parsing: phonenumbers against the accelerator (rphonenumbers), same inputs, same run.

Each library parses in its own process (the choice is made once per process, by
``DIALBOOK_PHONE_LIBRARY``), over two sets: the phones of the generated lead file (mostly
North American, which ``parse_phone`` answers from a per-prefix cache whatever the library)
and every region's valid example numbers in three written forms (where the library does
the work). One untimed pass first: both libraries load a region's metadata on first use.
The figure is phones parsed per second; the accelerator's is shown against phonenumbers'.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bench.common import ROOT, Result, Target, log

SETS = ("lead-file", "international")
_PROBE = """
import json, sys, time
import phonenumbers
from bench.data import CLEAN_HEADER, HEADER, leads
from dialbook.normalize.phones import LIBRARY, PhoneError, parse_phone

count, repeat = int(sys.argv[1]), int(sys.argv[2])
phone, country = HEADER.index("Phone"), CLEAN_HEADER.index("country")
lead_file = [(l.messy[phone], l.clean[country] if l.clean else "US") for l in leads(count)]
international = []
for region in sorted(phonenumbers.SUPPORTED_REGIONS):
    for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
        example = phonenumbers.example_number_for_type(region, kind)
        if example is not None:
            for form in (0, 1, 2):
                international.append((phonenumbers.format_number(example, form), region))


def parse_all(inputs):
    for raw, region in inputs:
        try:
            parse_phone(raw, [region])
        except PhoneError:
            pass


rates = {}
for name, inputs in (("lead-file", lead_file), ("international", international * repeat)):
    parse_all(inputs[: len(inputs) // repeat])  # warm: metadata loads on first use
    started = time.perf_counter()
    parse_all(inputs)
    rates[name] = len(inputs) / (time.perf_counter() - started)
print(json.dumps({"library": LIBRARY.__name__, "rates": rates}))
"""


def _rates(library: str, count: int, repeat: int) -> dict[str, float] | None:
    env = {**os.environ, "DIALBOOK_PHONE_LIBRARY": library}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(count), str(repeat)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if done.returncode != 0:
        log(f"[red]{library} failed[/red]: {done.stderr.strip().splitlines()[-1:]}")
        return None
    answer = json.loads(done.stdout)
    return dict(answer["rates"]) if answer["library"] == library else None


def bench(count: int, repeat: int, results: list[Result]) -> None:
    log(f"phones: {count:,} lead-file phones and the example numbers x{repeat}, per library")
    started = time.monotonic()
    pure = _rates("phonenumbers", count, repeat)
    fast = _rates("rphonenumbers", count, repeat)
    for name in SETS:
        baseline = pure[name] if pure else None
        results.append(Result("phones", f"parse {name}, phonenumbers", baseline, "phones/s"))
        results.append(
            Result(
                "phones",
                f"parse {name}, rphonenumbers",
                fast[name] if fast else None,
                "phones/s",
                baseline=baseline,
                baseline_name="phonenumbers",
                target=Target(min_ratio=2.0) if name == "international" else None,
                valid=fast is not None,
                note="" if fast else "rphonenumbers not installed (pip install 'dialbook[fast]')",
            )
        )
    log(f"phones: done in {time.monotonic() - started:.0f} s")
