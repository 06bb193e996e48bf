"""Onboard a tenant on the embedded default and import its menu, from Python.

    pip install ./bindings/python
    python examples/python/onboard.py /tmp/ratiba-demo
"""

import json
import sys
import tempfile
from pathlib import Path

import ratiba

HERE = Path(__file__).resolve().parent.parent


def main() -> int:
    data_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.gettempdir()) / "ratiba-demo"
    onboarder = ratiba.Onboarder.embedded(data_dir)
    spec = json.loads((HERE / "spa_pilot.json").read_text())
    try:
        tenant = onboarder.onboard(spec)
    except ratiba.ConflictError:
        # Running the example twice finds the tenant already there.
        tenant = onboarder.get(spec["slug"])
    except ratiba.ValidationError as err:
        for problem in err.errors:
            print(f"{problem['field']}: {problem['message']}", file=sys.stderr)
        return 2
    print(f"tenant {tenant.slug} ({tenant.id}) in {data_dir}")

    imported = onboarder.import_catalog(tenant.slug, (HERE / "menu.txt").read_text(), commit=True)
    for row in imported.extraction.rows:
        price = "-" if row.price_kes is None else f"KES {row.price_kes}"
        print(f"  {row.name:<24} {price:>10} {row.confidence}")
    if imported.committed:
        c = imported.committed
        print(f"committed: {c.created} created, {c.updated} updated, {c.unchanged} unchanged")
    report = onboarder.verify(tenant.slug)
    print("verify:", "all checks passed" if report.ok else "some checks failed")
    return 0 if report.ok else 6


if __name__ == "__main__":
    sys.exit(main())
